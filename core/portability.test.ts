/**
 * core/ must run unchanged in a browser worker and in Node. These tests feed deliberate violations
 * through the project's real ESLint config and core/'s real tsconfig, and expect both to refuse them.
 */
import { describe, it, expect } from 'vitest';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const probePath = join(repoRoot, 'core', '__portability_probe__.ts');

const violations = {
  nodeImport: `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n`,
  dom: `export const title = document.title;\n`,
  outerLayer: `import { App } from '../web/App';\nexport const x = App;\n`,
};
const clean = `export const answer: number = 42;\n`;

async function lintMessages(code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: repoRoot });
  const [result] = await eslint.lintText(code, { filePath: probePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

function typeErrors(code: string): string[] {
  const configPath = join(repoRoot, 'core', 'tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  );
  if (!config) throw new Error('cannot read core/tsconfig.json');
  const options = { ...config.options, noEmit: true, composite: false, emitDeclarationOnly: false };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (f === probePath ? code : readFile(f));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === probePath || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, ...rest) =>
    f === probePath ? ts.createSourceFile(f, code, lang) : getSourceFile(f, lang, ...rest);
  const program = ts.createProgram([probePath], options, host);
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(probePath))
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('core/ portability guard', () => {
  it('lint refuses a node: import in core/', async () => {
    const messages = await lintMessages(violations.nodeImport);
    expect(messages.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('lint refuses the DOM in core/', async () => {
    const messages = await lintMessages(violations.dom);
    expect(messages.some((m) => m.startsWith('no-restricted-globals'))).toBe(true);
  });

  it('lint refuses imports from outer layers into core/', async () => {
    const messages = await lintMessages(violations.outerLayer);
    expect(messages.some((m) => m.startsWith('no-restricted-imports'))).toBe(true);
  });

  it('lint accepts portable code', async () => {
    expect(await lintMessages(clean)).toEqual([]);
  });

  it('the core/ type check knows neither node:fs nor document', () => {
    expect(typeErrors(violations.nodeImport).join('\n')).toMatch(
      /Cannot find (module|name) 'node:fs'/,
    );
    expect(typeErrors(violations.dom).join('\n')).toMatch(/Cannot find name 'document'/);
    expect(typeErrors(clean)).toEqual([]);
  });
});
