/** The workflows this worker runs (the entry point of the workflow bundle). */
export { backgroundCheck } from './background-check';
