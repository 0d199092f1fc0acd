import { useEffect, useRef } from 'react';

export const SHORTCUTS: [string, string][] = [
  ['Alt+N', 'new VM'],
  ['Alt+1 … Alt+9', 'switch to VM tab'],
  ['Alt+P', 'pause / resume the current VM'],
  ['Alt+S', 'send the terminal size to the guest (stty)'],
  ['Alt+I', 'show / hide the Inspector'],
  ['Ctrl+Shift+C', 'copy the terminal selection'],
  ['Ctrl+Shift+V', 'paste into the terminal'],
  ['?', 'this help (outside the terminal)'],
];

/** The keyboard shortcut list, closed by Escape or a click outside. */
export function HelpPopover({ onClose }: { onClose: () => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    const onClick = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) onClose();
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('mousedown', onClick);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('mousedown', onClick);
    };
  }, [onClose]);
  return (
    <div
      className="popover"
      role="dialog"
      aria-label="Keyboard shortcuts"
      ref={box}
      data-testid="help"
    >
      <h3>Keyboard shortcuts</h3>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={keys}>
            <dt>
              <kbd>{keys}</kbd>
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        The terminal sends every other key to the guest. riscv64 has no Ctrl-Alt-Del: Reset stops
        the VM and boots it again.
      </p>
    </div>
  );
}
