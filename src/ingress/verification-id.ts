/** Verification ids are embedded in a visibility query: only plain identifiers are accepted. */
export const VERIFICATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
