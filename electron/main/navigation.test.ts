import { describe, expect, it } from 'vitest';
import { EXTERNAL_DOCUMENTATION_HOSTS } from '../contract/security.ts';
import { isAppPage, isAppResource, isExternalDocumentation, type AppLocation } from './navigation.ts';

const BUILT: AppLocation = { indexUrl: 'file:///opt/QNN%20Lab/out/renderer/index.html', rootUrl: 'file:///opt/QNN%20Lab/out/' };
const DEV: AppLocation = { ...BUILT, devServerUrl: 'http://localhost:5173' };

describe('isAppPage (navigation targets and IPC senders)', () => {
  it('accepts the bundled index.html on any route, and nothing else from disk', () => {
    expect(isAppPage('file:///opt/QNN%20Lab/out/renderer/index.html', BUILT)).toBe(true);
    expect(isAppPage('file:///opt/QNN%20Lab/out/renderer/index.html#/datasets/3', BUILT)).toBe(true);
    expect(isAppPage('file:///opt/QNN Lab/out/renderer/index.html#/about', BUILT)).toBe(true); // the same path, unescaped
    for (const url of [
      'file:///opt/QNN%20Lab/out/renderer/other.html',
      'file:///opt/QNN%20Lab/out/renderer/assets/index.js',
      'file:///home/user/Downloads/page.html',
      'file:///etc/passwd',
      'file://attacker.example/opt/QNN%20Lab/out/renderer/index.html', // a UNC-like file URL on another machine
      'https://example.com/',
      'http://localhost:5173/',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAppPage(url, BUILT), url).toBe(false);
    }
  });

  it('compares the dev server by exact origin, not by prefix', () => {
    expect(isAppPage('http://localhost:5173/', DEV)).toBe(true);
    expect(isAppPage('http://localhost:5173/#/devices/ionq-aria', DEV)).toBe(true);
    for (const url of [
      'http://localhost:51730/', // startsWith('http://localhost:5173') would accept these three
      'http://localhost:5173.attacker.example/',
      'http://localhost:5173@attacker.example/',
      'https://localhost:5173/',
      'http://127.0.0.1:5173/',
    ]) {
      expect(isAppPage(url, DEV), url).toBe(false);
    }
  });
});

describe('isAppResource (what the session lets the window load)', () => {
  it('allows the app folder, the dev server (and its hot-reload socket), devtools, blob: and data:', () => {
    for (const url of [
      'file:///opt/QNN%20Lab/out/renderer/assets/index-abc.js',
      'file:///opt/QNN%20Lab/out/renderer/index.html',
      'devtools://devtools/bundled/devtools_app.html',
      'blob:file:///0b6c-4f',
      'data:image/png;base64,AAAA',
    ]) {
      expect(isAppResource(url, BUILT), url).toBe(true);
    }
    expect(isAppResource('http://localhost:5173/src/main.ts', DEV)).toBe(true);
    expect(isAppResource('ws://localhost:5173/', DEV)).toBe(true);
  });

  it('refuses remote content and files outside the app folder', () => {
    for (const url of [
      'https://cdn.example.com/lib.js',
      'http://localhost:5173/src/main.ts', // no dev server in a built app
      'file:///opt/QNN%20Lab/secrets.txt',
      'file:///opt/QNN%20Lab/out/../secrets.txt',
      'file:///opt/QNN%20Lab/outside/x.js',
      'file:///etc/passwd',
    ]) {
      expect(isAppResource(url, BUILT), url).toBe(false);
    }
    expect(isAppResource('ws://localhost:51730/', DEV)).toBe(false);
  });
});

describe('isExternalDocumentation (links opened in the user browser)', () => {
  it('opens https links to the listed documentation hosts only', () => {
    expect(EXTERNAL_DOCUMENTATION_HOSTS).toContain('arxiv.org');
    expect(isExternalDocumentation('https://arxiv.org/abs/2606.03517')).toBe(true);
    expect(isExternalDocumentation('https://docs.ionq.com/api-reference/v0.3/native-gates-api')).toBe(true);
    for (const url of [
      'http://arxiv.org/abs/2606.03517', // not https
      'https://arxiv.org.attacker.example/',
      'https://attacker.example/?u=https://arxiv.org',
      'https://user:pass@arxiv.org/',
      'https://arxiv.org:8443/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://arxiv.org/share',
      'not a url',
    ]) {
      expect(isExternalDocumentation(url), url).toBe(false);
    }
  });
});
