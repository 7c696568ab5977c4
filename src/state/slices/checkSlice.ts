/** "Check a video": the file being checked and what the check found (plain data). */
import type { StateCreator } from 'zustand';
import type { CheckErrorCode, CheckReport } from '../../check/checkProtocol';
import type { StoreState } from '../store';

export type CheckState =
  | { readonly status: 'idle' }
  | { readonly status: 'checking'; readonly fileName: string }
  | { readonly status: 'done'; readonly fileName: string; readonly report: CheckReport }
  | { readonly status: 'failed'; readonly fileName: string; readonly code: CheckErrorCode | 'too-large'; readonly message: string };

export interface CheckSlice {
  fileCheck: CheckState;
}

export const createCheckSlice: StateCreator<StoreState, [], [], CheckSlice> = () => ({
  fileCheck: { status: 'idle' },
});
