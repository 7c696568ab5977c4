/** Placeholder shell; the app's composition replaces it. */
export function App() {
  return (
    <main>
      <h1>Tessera</h1>
      <p>Text-to-video on your own device.</p>
    </main>
  );
}
