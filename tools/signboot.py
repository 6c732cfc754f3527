#!/usr/bin/python3
"""Turn the boot block's raw code into a BIOS boot sector, in place.

A BIOS boots a disk whose first 512-byte sector ends with the bytes
0x55 0xAA; it loads that sector at 0x7C00 and jumps to it. This pads the
code (kernel/boot/) with zeros to 510 bytes and appends the signature.
It fails, and says by how much, when the code does not fit.

usage: signboot.py BOOTBLOCK
"""

import sys

SECTOR = 512
SIGNATURE = b"\x55\xaa"


def main(argv):
    if len(argv) != 2:
        print("usage: signboot.py BOOTBLOCK", file=sys.stderr)
        return 2
    path = argv[1]
    with open(path, "rb") as f:
        code = f.read()
    room = SECTOR - len(SIGNATURE)
    if len(code) > room:
        print(f"signboot: {path}: boot code is {len(code)} bytes, "
              f"{len(code) - room} more than the {room} that fit "
              f"in a boot sector", file=sys.stderr)
        return 1
    with open(path, "wb") as f:
        f.write(code + bytes(room - len(code)) + SIGNATURE)
    print(f"signboot: {path}: {len(code)} bytes of code, "
          f"{room - len(code)} to spare")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
