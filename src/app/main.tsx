import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { registerServiceWorker } from '../pwa/registerServiceWorker';
import { startEngine, startOptionsFromUrl } from '../state/actions';
import { watchVisibility } from '../state/finishAnnouncer';
import { loadGallery } from '../state/galleryActions';
import { startQueue } from '../state/queueActions';
import { listenForLaunchedFiles, loadPromptInFile, restoreFromLink, restoreSettings } from '../state/shareActions';
import '../ui/styles.css';
import { App } from './App';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
loadPromptInFile();
// A settings link fills the form and never generates by itself. Steps and guidance are applied again
// once the pack is loaded, because loading replaces untouched values with the pack's defaults.
const linked = restoreFromLink(location.href);
void startEngine(startOptionsFromUrl(location.href)).then(() => {
  if (linked) restoreSettings({ ...(linked.steps !== undefined && { steps: linked.steps }), ...(linked.guidance !== undefined && { guidance: linked.guidance }) });
});
void loadGallery();
void startQueue();
watchVisibility();
listenForLaunchedFiles();
registerServiceWorker();
