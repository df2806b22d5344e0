/**
 * A workflow timer: started by a command, then fired (its TimerFired may still be held while a
 * workflow task runs, and a cancel in that task drops it) or canceled.
 */
import type { Scheduled } from '../clock';
import { checkTransition, type TransitionTable } from './transitions';

export type TimerPhase = 'started' | 'fired' | 'canceled';

export const TIMER_TRANSITIONS: TransitionTable<TimerPhase> = {
  started: ['fired', 'canceled'],
  // Fired while a workflow task ran that cancels it: the held TimerFired is dropped.
  fired: ['canceled'],
  canceled: [],
};

export interface TimerState {
  timerId: string;
  startedEventId: number;
  phase: TimerPhase;
  handle?: Scheduled;
}

export function moveTimer(timer: TimerState, to: TimerPhase): void {
  timer.phase = checkTransition(`timer ${timer.timerId}`, TIMER_TRANSITIONS, timer.phase, to);
}
