/** The page: composition only. */
import { BackendBadge, FallbackNotice } from '../ui/BackendBadge';
import { ErrorAlert } from '../ui/ErrorAlert';
import { GenerateForm } from '../ui/GenerateForm';
import { ProgressPanel } from '../ui/ProgressPanel';
import { ResultPanel } from '../ui/ResultPanel';

export function App() {
  return (
    <div className="app">
      <header>
        <h1>Tessera</h1>
        <p className="tagline">Text to video, made on your own device.</p>
        <BackendBadge />
      </header>
      <FallbackNotice />
      <main>
        <div className="column">
          <GenerateForm />
          <ErrorAlert />
        </div>
        <div className="column">
          <ProgressPanel />
          <ResultPanel />
        </div>
      </main>
    </div>
  );
}
