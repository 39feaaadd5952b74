// One argument for a POSIX shell command line: as is when it is plainly safe,
// else single-quoted.
export function shellQuote(arg: string): string {
  return /^[\w./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
