/** The Electron executable's path when its binary has been downloaded (never downloads it). */
export function electronBinary(): string | undefined;
