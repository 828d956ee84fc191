# PNG, written for maphex from the W3C PNG specification (third edition), sections 5 and 11.
meta:
  id: png
  title: PNG (Portable Network Graphics) image
  file-extension:
    - png
    - apng
  endian: be
  encoding: ISO-8859-1
doc: |
  A PNG file is an 8-byte signature and a sequence of chunks, each a big-endian length,
  a four-letter type, the data and a CRC-32 of type and data. IHDR comes first, IEND last.
seq:
  - id: signature
    contents: [0x89, "PNG", 0x0d, 0x0a, 0x1a, 0x0a]
  - id: chunks
    type: chunk
    repeat: until
    repeat-until: _.type == "IEND" or _io.eof
types:
  chunk:
    seq:
      - id: length
        type: u4
      - id: type
        type: str
        size: 4
        encoding: ASCII
      - id: data
        size: length
        type:
          switch-on: type
          cases:
            '"IHDR"': ihdr
            '"PLTE"': plte
            '"gAMA"': gama
            '"pHYs"': phys
            '"tIME"': time
            '"tEXt"': text
            '"zTXt"': ztxt
      - id: crc
        type: u4
    instances:
      is_ancillary:
        value: type.substring(0, 1) >= "a"
        doc: a lower-case first letter marks a chunk a decoder may ignore
  ihdr:
    seq:
      - id: width
        type: u4
        valid:
          min: 1
      - id: height
        type: u4
        valid:
          min: 1
      - id: bit_depth
        type: u1
        valid:
          any-of: [1, 2, 4, 8, 16]
      - id: color_type
        type: u1
        enum: color_type
      - id: compression_method
        type: u1
      - id: filter_method
        type: u1
      - id: interlace_method
        type: u1
        enum: interlace
  plte:
    seq:
      - id: entries
        type: rgb
        repeat: eos
  rgb:
    seq:
      - id: r
        type: u1
      - id: g
        type: u1
      - id: b
        type: u1
  gama:
    seq:
      - id: gamma_int
        type: u4
    instances:
      gamma:
        value: gamma_int / 100000.0
  phys:
    seq:
      - id: pixels_per_unit_x
        type: u4
      - id: pixels_per_unit_y
        type: u4
      - id: unit
        type: u1
        enum: phys_unit
  time:
    seq:
      - id: year
        type: u2
      - id: month
        type: u1
      - id: day
        type: u1
      - id: hour
        type: u1
      - id: minute
        type: u1
      - id: second
        type: u1
  text:
    seq:
      - id: keyword
        type: strz
      - id: text
        type: str
        size-eos: true
  ztxt:
    seq:
      - id: keyword
        type: strz
      - id: compression_method
        type: u1
      - id: text
        type: str
        size-eos: true
        process: zlib
enums:
  color_type:
    0: greyscale
    2: truecolor
    3: indexed
    4: greyscale_alpha
    6: truecolor_alpha
  interlace:
    0: none
    1: adam7
  phys_unit:
    0: unknown
    1: meter
