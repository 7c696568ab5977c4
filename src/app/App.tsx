/** The page: composition only. */
import { BackendBadge, FallbackNotice } from '../ui/BackendBadge';
import { CheckPanel } from '../ui/CheckPanel';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Gallery } from '../ui/Gallery';
import { ModelsPanel } from '../ui/ModelsPanel';
import { NoticeBar } from '../ui/NoticeBar';
import { FileDropZone, OpenFileButton } from '../ui/OpenFile';
import { ProgressPanel } from '../ui/ProgressPanel';
import { QueuePanel } from '../ui/QueuePanel';
import { ResultPanel } from '../ui/ResultPanel';
import { StoryboardSwitch } from '../ui/StoryboardSwitch';
import { UpdateNotice } from '../ui/UpdateNotice';

export function App() {
  return (
    <div className="app">
      <header>
        <h1>Tessera</h1>
        <p className="tagline">Text to video, made on your own device.</p>
        <BackendBadge />
        <OpenFileButton />
      </header>
      <UpdateNotice />
      <FallbackNotice />
      <NoticeBar />
      <main>
        <div className="column">
          <StoryboardSwitch />
          <ErrorAlert />
        </div>
        <div className="column">
          <ProgressPanel />
          <QueuePanel />
          <ResultPanel />
        </div>
      </main>
      <Gallery />
      <CheckPanel />
      <ModelsPanel />
      <FileDropZone />
    </div>
  );
}
