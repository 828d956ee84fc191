# ELF, written for maphex from the System V ABI (gABI) "Object Files" chapter:
# the ELF header, program headers and section headers of 32- and 64-bit files,
# little- or big-endian as e_ident says.
meta:
  id: elf
  title: ELF (Executable and Linkable Format) object file
  file-extension:
    - elf
    - so
    - o
doc: |
  e_ident (16 bytes) gives the class (32/64-bit) and the data encoding; everything
  after it is in that byte order, with addresses and offsets as wide as the class.
seq:
  - id: magic
    contents: [0x7f, "ELF"]
  - id: class
    type: u1
    enum: elf_class
  - id: data
    type: u1
    enum: data_encoding
  - id: ident_version
    type: u1
  - id: os_abi
    type: u1
    enum: os_abi
  - id: abi_version
    type: u1
  - id: ident_pad
    size: 7
  - id: header
    type: header
types:
  header:
    meta:
      endian:
        switch-on: _root.data
        cases:
          data_encoding::lsb: le
          data_encoding::msb: be
    seq:
      - id: type
        type: u2
        enum: obj_type
      - id: machine
        type: u2
        enum: machine
      - id: version
        type: u4
      - id: entry
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: phoff
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: shoff
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: flags
        type: u4
      - id: ehsize
        type: u2
      - id: phentsize
        type: u2
      - id: phnum
        type: u2
      - id: shentsize
        type: u2
      - id: shnum
        type: u2
      - id: shstrndx
        type: u2
    instances:
      program_headers:
        pos: phoff
        size: phentsize
        type: program_header
        repeat: expr
        repeat-expr: phnum
        if: phnum > 0
      section_headers:
        pos: shoff
        size: shentsize
        type: section_header
        repeat: expr
        repeat-expr: shnum
        if: shnum > 0
      section_names:
        pos: section_headers[shstrndx].offset
        size: section_headers[shstrndx].size
        type: string_table
        if: shstrndx < shnum and section_headers[shstrndx].type != section_type::nobits
  program_header:
    seq:
      - id: type
        type: u4
        enum: segment_type
      - id: flags64
        type: u4
        if: _root.class == elf_class::class64
      - id: offset
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: vaddr
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: paddr
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: filesz
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: memsz
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: flags32
        type: u4
        if: _root.class == elf_class::class32
      - id: align
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
    instances:
      flags:
        value: '_root.class == elf_class::class64 ? flags64 : flags32'
      readable:
        value: (flags & 4) != 0
      writable:
        value: (flags & 2) != 0
      executable:
        value: (flags & 1) != 0
  section_header:
    seq:
      - id: name_offset
        type: u4
      - id: type
        type: u4
        enum: section_type
      - id: flags
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: addr
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: offset
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: size
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: link
        type: u4
      - id: info
        type: u4
      - id: addralign
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
      - id: entsize
        type:
          switch-on: _root.class
          cases:
            elf_class::class32: u4
            elf_class::class64: u8
    instances:
      name:
        io: _parent.section_names._io
        pos: name_offset
        type: strz
        encoding: ASCII
        if: _parent.shstrndx < _parent.shnum and name_offset < _parent.section_names._io.size
  string_table:
    seq:
      - id: entries
        type: strz
        encoding: ASCII
        repeat: eos
enums:
  elf_class:
    1: class32
    2: class64
  data_encoding:
    1: lsb
    2: msb
  os_abi:
    0: system_v
    1: hp_ux
    2: netbsd
    3: linux
    6: solaris
    7: aix
    8: irix
    9: freebsd
    12: openbsd
    97: arm
    255: standalone
  obj_type:
    0: none
    1: rel
    2: exec
    3: dyn
    4: core
  machine:
    0: none
    2: sparc
    3: x86
    4: m68k
    8: mips
    20: ppc
    21: ppc64
    22: s390
    40: arm
    42: superh
    43: sparcv9
    50: ia_64
    62: x86_64
    183: aarch64
    243: riscv
    247: bpf
    258: loongarch
  segment_type:
    0: null
    1: load
    2: dynamic
    3: interp
    4: note
    5: shlib
    6: phdr
    7: tls
    0x6474e550: gnu_eh_frame
    0x6474e551: gnu_stack
    0x6474e552: gnu_relro
    0x6474e553: gnu_property
  section_type:
    0: null
    1: progbits
    2: symtab
    3: strtab
    4: rela
    5: hash
    6: dynamic
    7: note
    8: nobits
    9: rel
    10: shlib
    11: dynsym
    14: init_array
    15: fini_array
    16: preinit_array
    17: group
    18: symtab_shndx
    0x6ffffff6: gnu_hash
    0x6ffffffd: gnu_verdef
    0x6ffffffe: gnu_verneed
    0x6fffffff: gnu_versym
