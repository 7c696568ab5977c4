/** The generation queue as the panel shows it: the jobs in run order and what is known about them. Plain data only. */
import type { StateCreator } from 'zustand';
import type { CostTable } from '../../queue/queueEta';
import type { QueueJob } from '../../queue/queueTypes';
import type { StoreState } from '../store';

/** Whether finished jobs may be announced with a system notification ('unsupported': no Notification API). */
export type NotifyPermission = NotificationPermission | 'unsupported';

export interface QueueSlice {
  /** Run order: the running job, the waiting ones in turn, and finished ones where they stood. */
  queue: readonly QueueJob[];
  /** Set when the queue cannot be stored on this device: jobs still run, but a reload loses them. */
  queueStorageError: string | null;
  /** What finished jobs of each size cost in this session, for the waiting jobs' start estimates. */
  queueCosts: CostTable;
  notifyPermission: NotifyPermission;
}

export const createQueueSlice: StateCreator<StoreState, [], [], QueueSlice> = () => ({
  queue: [],
  queueStorageError: null,
  queueCosts: {},
  notifyPermission: typeof Notification === 'undefined' ? 'unsupported' : Notification.permission,
});
