/**
 * The page's one client of the weight cache: a single ModelsController over a single ModelStore,
 * created on first use. The Models panel shows it and the actions read pack status from it; the
 * engine worker keeps its own store on the same database (src/runtime/modelFiles.ts), and both hear
 * each other's downloads on the store's BroadcastChannel.
 */
import { ModelStore } from '../cache';
import { ModelsController } from '../cache/modelsController';

let controller: ModelsController | null = null;

/** The page's cache client; the only place the page constructs a ModelStore. */
export function pageModelCache(): ModelsController {
  return (controller ??= new ModelsController(new ModelStore()));
}
