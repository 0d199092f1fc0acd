import { useState, type DragEvent } from 'react';
import type { UserFile } from '../vm/launch-config';

interface Props {
  label: string;
  hint: string;
  file: UserFile | undefined;
  onFile: (file: UserFile | undefined) => void;
  testId: string;
  accept?: string;
}

async function readFile(file: File): Promise<UserFile> {
  return { name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) };
}

/** A file picker that also takes a file dropped on it. */
export function FileDrop({ label, hint, file, onFile, testId, accept }: Props) {
  const [over, setOver] = useState(false);
  const take = (list: FileList | null) => {
    const first = list?.[0];
    if (first) void readFile(first).then(onFile);
  };
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    take(event.dataTransfer.files);
  };
  return (
    <label
      className={`file-drop${over ? ' file-drop-over' : ''}${file ? ' file-drop-set' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <span className="file-drop-label">{label}</span>
      <span className="file-drop-name">
        {file ? `${file.name} · ${(file.bytes.length / 1024).toFixed(0)} KiB` : hint}
      </span>
      {file && (
        <button
          type="button"
          className="link-button"
          onClick={(e) => {
            e.preventDefault();
            onFile(undefined);
          }}
        >
          clear
        </button>
      )}
      <input
        type="file"
        data-testid={testId}
        {...(accept ? { accept } : {})}
        onChange={(e) => take(e.currentTarget.files)}
      />
    </label>
  );
}
