# GIF, written for maphex from the GIF89a specification (sections 17 to 27):
# header, logical screen descriptor, color tables, extensions and image descriptors.
meta:
  id: gif
  title: GIF (Graphics Interchange Format) image
  file-extension: gif
  endian: le
  encoding: ASCII
seq:
  - id: magic
    contents: GIF
  - id: version
    type: str
    size: 3
  - id: screen
    type: logical_screen_descriptor
  - id: global_color_table
    type: rgb
    repeat: expr
    repeat-expr: 2 << screen.color_table_size
    if: screen.has_color_table
  - id: blocks
    type: block
    repeat: until
    repeat-until: _.introducer == block_kind::trailer or _io.eof
types:
  logical_screen_descriptor:
    seq:
      - id: width
        type: u2
      - id: height
        type: u2
      - id: has_color_table
        type: b1
      - id: color_resolution
        type: b3
      - id: sorted
        type: b1
      - id: color_table_size
        type: b3
      - id: background_color
        type: u1
      - id: pixel_aspect_ratio
        type: u1
  rgb:
    seq:
      - id: red
        type: u1
      - id: green
        type: u1
      - id: blue
        type: u1
  block:
    seq:
      - id: introducer
        type: u1
        enum: block_kind
      - id: body
        type:
          switch-on: introducer
          cases:
            block_kind::extension: extension
            block_kind::image: image
  extension:
    seq:
      - id: label
        type: u1
        enum: extension_label
      - id: body
        type:
          switch-on: label
          cases:
            extension_label::graphic_control: graphic_control
            _: sub_blocks
  graphic_control:
    seq:
      - id: block_size
        contents: [4]
      - id: reserved
        type: b3
      - id: disposal
        type: b3
      - id: user_input
        type: b1
      - id: has_transparency
        type: b1
      - id: delay_centiseconds
        type: u2
      - id: transparent_index
        type: u1
      - id: terminator
        contents: [0]
  image:
    seq:
      - id: left
        type: u2
      - id: top
        type: u2
      - id: width
        type: u2
      - id: height
        type: u2
      - id: has_color_table
        type: b1
      - id: interlaced
        type: b1
      - id: sorted
        type: b1
      - id: reserved
        type: b2
      - id: color_table_size
        type: b3
      - id: local_color_table
        type: rgb
        repeat: expr
        repeat-expr: 2 << color_table_size
        if: has_color_table
      - id: lzw_min_code_size
        type: u1
      - id: data
        type: sub_blocks
  sub_blocks:
    seq:
      - id: blocks
        type: sub_block
        repeat: until
        repeat-until: _.len == 0
  sub_block:
    seq:
      - id: len
        type: u1
      - id: bytes
        size: len
enums:
  block_kind:
    0x21: extension
    0x2c: image
    0x3b: trailer
  extension_label:
    0x01: plain_text
    0xf9: graphic_control
    0xfe: comment
    0xff: application
