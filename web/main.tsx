import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ensureIsolation } from './env/isolation';
import './styles.css';
// window.kindling: the machine client for devtools, e2e tests and the boot benchmark.
import './machine/kindling-handle';

const state = await ensureIsolation();
if (state.kind !== 'reloading') {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App isolation={state} />
    </StrictMode>,
  );
}
