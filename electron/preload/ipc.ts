// IPC channel names shared by the main process and the preload (the API's own channels travel as arguments).
export const IPC_RPC = 'qnnlab:rpc';
export const IPC_EVENT = 'qnnlab:event';
