// The preload: exposes `window.qnnlab` with one method per API channel, generated from the contract's channel
// list, plus an event subscription and the path of a file the user chose (to import it where it is). Nothing else
// of Electron or Node reaches the renderer.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { CHANNEL_NAMES } from '../contract/channels.ts';
import { IPC_EVENT, IPC_RPC } from './ipc.ts';

const api = Object.fromEntries(CHANNEL_NAMES.map((channel) => [channel, (request: unknown) => ipcRenderer.invoke(IPC_RPC, channel, request)]));

contextBridge.exposeInMainWorld('qnnlab', {
  api,
  on(event: string, listener: (payload: unknown) => void): () => void {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.removeListener(IPC_EVENT, wrapped);
  },
  /** The local path of a File from a file input or a drop ('' for a file that has none). */
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});
