import { useEffect, useRef } from 'react';
import { Terminal, type ITheme } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import { atShellPrompt, sttyCommand, type ConsoleSource } from './console-source';
import type { Theme } from '../layout/use-theme';

const THEMES: Record<Theme, ITheme> = {
  dark: {
    background: '#111318',
    foreground: '#e4e6eb',
    cursor: '#f08a4b',
    selectionBackground: '#3a4050',
  },
  light: {
    background: '#fbfbfc',
    foreground: '#1d1f24',
    cursor: '#c9480f',
    selectionBackground: '#c8d3e6',
  },
};

interface Props {
  source: ConsoleSource;
  theme: Theme;
  /** Hidden tabs keep their terminal; it is refitted when shown. */
  visible: boolean;
  /** Incremented to send `stty rows/cols` to the guest (a "sync size" request). */
  syncRequest: number;
  testId: string;
}

const encoder = new TextEncoder();

/**
 * xterm.js on a console source: output in, keystrokes out, Ctrl-Shift-C / Ctrl-Shift-V for the
 * clipboard, and the terminal size told to the guest with stty (when asked, and after a resize
 * while the shell waits at a prompt) so full-screen programs like vi and top fit.
 */
export function TerminalView({ source, theme, visible, syncRequest, testId }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const terminal = useRef<Terminal | null>(null);
  const fit = useRef<FitAddon | null>(null);

  useEffect(() => {
    const term = new Terminal({
      fontFamily: 'ui-monospace, "JetBrains Mono", "DejaVu Sans Mono", Menlo, monospace',
      fontSize: 13,
      scrollback: 5000,
      cursorBlink: true,
      theme: THEMES[theme],
    });
    const fitAddon = new FitAddon();
    term.loadAddon(fitAddon);
    term.open(host.current!);
    terminal.current = term;
    fit.current = fitAddon;
    term.attachCustomKeyEventHandler((event) => {
      if (event.type !== 'keydown' || !event.ctrlKey || !event.shiftKey) return true;
      if (event.code === 'KeyC') {
        void navigator.clipboard?.writeText(term.getSelection());
        return false;
      }
      if (event.code === 'KeyV') {
        void navigator.clipboard?.readText().then((text) => term.paste(text));
        return false;
      }
      return true;
    });
    const input = term.onData((data) => source.send(encoder.encode(data)));
    const unsubscribe = source.subscribeOutput((bytes) => term.write(bytes));

    let lastSize = '';
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    const observer = new ResizeObserver(() => {
      if (!host.current || host.current.offsetWidth === 0) return;
      fitAddon.fit();
      const size = `${term.rows}x${term.cols}`;
      if (size === lastSize) return;
      const first = lastSize === '';
      lastSize = size;
      clearTimeout(resizeTimer);
      // Only a shell waiting at its prompt may receive a typed stty line.
      resizeTimer = setTimeout(() => {
        if (!first && atShellPrompt(source.tail())) {
          source.send(encoder.encode(sttyCommand(term.rows, term.cols)));
        }
      }, 400);
    });
    observer.observe(host.current!);
    return () => {
      observer.disconnect();
      clearTimeout(resizeTimer);
      unsubscribe();
      input.dispose();
      term.dispose();
    };
    // The terminal lives as long as its source; theme changes are applied below.
  }, [source]);

  useEffect(() => {
    if (terminal.current) terminal.current.options.theme = THEMES[theme];
  }, [theme]);

  useEffect(() => {
    if (!visible) return;
    requestAnimationFrame(() => {
      fit.current?.fit();
      terminal.current?.focus();
    });
  }, [visible]);

  useEffect(() => {
    const term = terminal.current;
    if (syncRequest === 0 || !term) return;
    fit.current?.fit();
    source.send(encoder.encode(sttyCommand(term.rows, term.cols)));
  }, [syncRequest, source]);

  // The fit addon measures its parent without the parent's padding: pad a frame around it instead.
  return (
    <div className="terminal-frame">
      <div className="terminal-host" ref={host} data-testid={testId} />
    </div>
  );
}
