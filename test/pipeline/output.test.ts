import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { commitAll, openOutput } from '../../src/pipeline/io/output.js';
import { refuseClashingPaths } from '../../src/pipeline/io/output-paths.js';
import { temporaryFolder } from '../support/cli.js';

describe('an output stream', () => {
  it('waits for drain on every full write without leaving listeners behind', async () => {
    let written = 0;
    const slow = new Writable({
      highWaterMark: 4,
      write(chunk: Buffer, _encoding, callback) {
        written += chunk.length;
        setImmediate(callback);
      },
    });
    const output = await openOutput('-', slow);
    for (let i = 0; i < 200; i++) await output.write(Buffer.from('0123456789'));
    await output.commit();
    expect(written).toBe(2000);
    for (const event of ['drain', 'close', 'error']) expect(slow.listenerCount(event)).toBeLessThanOrEqual(1);
  });
});

describe('atomic outputs, in process', () => {
  const folder = temporaryFolder();
  afterAll(() => folder.cleanup());
  const at = (name: string): string => join(folder.path, name);
  const sideFiles = (): string[] => readdirSync(folder.path).filter((name) => name.startsWith('.'));

  it('publish together; when a later one cannot be published, the replaced file is put back and the created one removed', async () => {
    writeFileSync(at('kept.csv'), 'before\n');
    const replacing = await openOutput(at('kept.csv'), process.stdout);
    const creating = await openOutput(at('new.csv'), process.stdout);
    const failing = await openOutput(at('late.json'), process.stdout);
    await replacing.write(Buffer.from('after\n'));
    await creating.write(Buffer.from('new\n'));
    await failing.write(Buffer.from('{}\n'));
    // The last target becomes a folder that is not empty while the run writes: rename onto it fails.
    mkdirSync(at('late.json'));
    writeFileSync(join(at('late.json'), 'inside'), '');
    await expect(commitAll([replacing, creating, failing])).rejects.toMatchObject({ code: 'OUTPUT_FAILED' });
    expect(readFileSync(at('kept.csv'), 'utf8')).toBe('before\n');
    expect(existsSync(at('new.csv'))).toBe(false);
    expect(sideFiles()).toEqual([]);
  });

  it('replace a file keeping no backup once all are in place, and compress a .gz output', async () => {
    writeFileSync(at('out.csv.gz'), 'old');
    const output = await openOutput(at('out.csv.gz'), process.stdout);
    await output.write(Buffer.from('x\n1\n'));
    await commitAll([output]);
    expect(gunzipSync(readFileSync(at('out.csv.gz'))).toString()).toBe('x\n1\n');
    expect(sideFiles()).toEqual([]);
  });

  it('write a device in place and leave it there, and say when it is full', async () => {
    const output = await openOutput('/dev/null', process.stdout);
    await output.write(Buffer.from('discarded\n'));
    await commitAll([output]);
    expect(lstatSync('/dev/null').isCharacterDevice()).toBe(true);
    const full = await openOutput('/dev/full', process.stdout);
    const writing = (async () => {
      await full.write(Buffer.alloc(1 << 16));
      await commitAll([full]);
    })();
    await expect(writing).rejects.toMatchObject({
      code: 'OUTPUT_FAILED',
      message: 'cannot write /dev/full: no space left on the device',
    });
    await full.abort();
    expect(lstatSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('say why a path cannot be written, before anything is computed', async () => {
    writeFileSync(at('a-file'), '');
    mkdirSync(at('a-folder'));
    const reasons = [
      [at('no/such/folder/out.csv'), 'the folder does not exist'],
      [join(at('a-file'), 'out.csv'), 'a part of the path is not a folder'],
      [at('a-folder'), 'it is a folder'],
    ] as const;
    for (const [path, why] of reasons) {
      await expect(openOutput(path, process.stdout)).rejects.toMatchObject({
        code: 'OUTPUT_FAILED',
        message: `cannot write ${path}: ${why}`,
      });
    }
  });

  it('remove the temporaries of dead runs on this machine, and keep those of live runs and other machines', async () => {
    const dead = spawnSync(process.execPath, ['-p', 'process.pid']);
    const deadPid = Number(dead.stdout.toString().trim());
    const stale = at(`.shared.csv.${hostname()}.${deadPid}.tmp`);
    const live = at(`.shared.csv.${hostname()}.${process.ppid}.tmp`);
    const elsewhere = at(`.shared.csv.another-host.${deadPid}.tmp`);
    const backup = at(`.shared.csv.${hostname()}.${deadPid}.bak`);
    for (const path of [stale, live, elsewhere, backup]) writeFileSync(path, 'left');
    const output = await openOutput(at('shared.csv'), process.stdout);
    await output.abort();
    expect(existsSync(stale)).toBe(false);
    for (const path of [live, elsewhere, backup]) expect(existsSync(path)).toBe(true);
  });

  it('abort leaves stdout open and a file output without its temporary', async () => {
    const sink = new Writable({ write: (_chunk, _encoding, callback) => callback() });
    const stdout = await openOutput('-', sink);
    await stdout.write(Buffer.from('x'));
    await stdout.abort();
    expect(sink.destroyed).toBe(false);
    const before = sideFiles().length;
    const file = await openOutput(at('aborted.csv'), process.stdout);
    await file.write(Buffer.from('x'));
    await file.abort();
    expect(existsSync(at('aborted.csv'))).toBe(false);
    expect(sideFiles().length).toBe(before);
  });
});

describe('output paths', () => {
  const folder = temporaryFolder();
  afterAll(() => folder.cleanup());
  const at = (name: string): string => join(folder.path, name);

  it('refuse an output on an input, however it is spelled (relative, through a symbolic link)', async () => {
    writeFileSync(at('in.csv'), 'x\n');
    symlinkSync(at('in.csv'), at('link.csv'));
    for (const output of [at('in.csv'), at('link.csv'), relative(process.cwd(), at('in.csv'))]) {
      await expect(refuseClashingPaths([at('in.csv')], [['out', output]])).rejects.toMatchObject({
        code: 'SAME_INPUT_OUTPUT',
      });
    }
    await expect(refuseClashingPaths([folder.path], [['summary', at('in.csv')]])).resolves.toBeUndefined();
  });

  it('refuse two outputs on one path, or both on stdout, and take distinct ones', async () => {
    await expect(
      refuseClashingPaths(
        [at('in.csv')],
        [
          ['out', at('o.csv')],
          ['rejects', at('o.csv')],
        ],
      ),
    ).rejects.toMatchObject({ code: 'SAME_OUTPUT' });
    await expect(
      refuseClashingPaths(
        ['-'],
        [
          ['out', '-'],
          ['summary', '-'],
        ],
      ),
    ).rejects.toMatchObject({ code: 'SAME_OUTPUT' });
    await expect(
      refuseClashingPaths(
        ['-'],
        [
          ['out', '-'],
          ['summary', at('s.json')],
          ['rejects', undefined],
        ],
      ),
    ).resolves.toBeUndefined();
  });
});
