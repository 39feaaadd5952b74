#!/usr/bin/python3
"""Starts User-Mode Linux so that it boots on hosts with large XSAVE state.

Debian's UML 6.1 moves a guest process's FPU state with
PTRACE_SETREGSET(NT_X86_XSTATE) and a buffer of a size fixed at build time
(2696 bytes: up to AVX-512). A host whose CPU has AMX needs 10688 bytes, the
kernel refuses the smaller buffer with EFAULT, and UML panics as soon as init
runs ("ptrace set fp regs failed, errno = 14"). UML only takes that path when
its boot-time probe, PTRACE_GETREGSET(NT_X86_XSTATE), succeeds; this launcher
installs a seccomp filter that fails exactly that ptrace request (EIO), so UML
uses PTRACE_GETFPREGS/SETFPREGS (the 512-byte FXSAVE area) instead, then execs
UML with the arguments it was given.

The cost: only x87/SSE state survives a guest syscall or page fault; the host
zeroes AVX and AVX-512 registers there. The guest's init must therefore keep
glibc on its SSE string functions (GLIBC_TUNABLES, see uml-guest.ts).

Usage: uml-launch.py /usr/bin/linux.uml ARGS...
"""
import ctypes
import os
import struct
import sys

PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH_X86_64 = 0xC000003E
SYS_PTRACE = 101
PTRACE_GETREGSET = 0x4204
NT_X86_XSTATE = 0x202
SECCOMP_RET_ALLOW = 0x7FFF0000
SECCOMP_RET_ERRNO_EIO = 0x00050000 | 5

# struct seccomp_data: nr at 0, arch at 4, args[i] at 16 + 8 * i (low half first).
LOAD_WORD = 0x20
JUMP_IF_EQUAL = 0x15
RETURN = 0x06


def op(code, k, jt=0, jf=0):
    return struct.pack("=HBBI", code, jt, jf, k)


FILTER = b"".join([
    op(LOAD_WORD, 4), op(JUMP_IF_EQUAL, AUDIT_ARCH_X86_64, 0, 6),
    op(LOAD_WORD, 0), op(JUMP_IF_EQUAL, SYS_PTRACE, 0, 4),
    op(LOAD_WORD, 16), op(JUMP_IF_EQUAL, PTRACE_GETREGSET, 0, 2),
    op(LOAD_WORD, 32), op(JUMP_IF_EQUAL, NT_X86_XSTATE, 1, 0),
    op(RETURN, SECCOMP_RET_ALLOW),
    op(RETURN, SECCOMP_RET_ERRNO_EIO),
])


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    libc = ctypes.CDLL(None, use_errno=True)
    program = ctypes.create_string_buffer(FILTER, len(FILTER))
    fprog = SockFprog(len(FILTER) // 8, ctypes.cast(program, ctypes.c_char_p))
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS)")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_SECCOMP)")
    os.execv(sys.argv[1], sys.argv[1:])


if __name__ == "__main__":
    main()
