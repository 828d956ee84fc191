# BMP, written for maphex from Microsoft's documentation of BITMAPFILEHEADER,
# BITMAPCOREHEADER, BITMAPINFOHEADER, BITMAPV4HEADER and BITMAPV5HEADER.
meta:
  id: bmp
  title: BMP (Windows bitmap) image
  file-extension:
    - bmp
    - dib
  endian: le
seq:
  - id: file_header
    type: file_header
  - id: dib_header
    type: dib_header
instances:
  pixels:
    pos: file_header.pixel_offset
    size: _io.size - file_header.pixel_offset
    if: file_header.pixel_offset <= _io.size
types:
  file_header:
    seq:
      - id: magic
        contents: BM
      - id: file_size
        type: u4
      - id: reserved1
        type: u2
      - id: reserved2
        type: u2
      - id: pixel_offset
        type: u4
  dib_header:
    seq:
      - id: header_size
        type: u4
        valid:
          any-of: [12, 40, 52, 56, 64, 108, 124]
      - id: header
        size: header_size - 4
        type:
          switch-on: header_size
          cases:
            12: core_header
            _: info_header
    instances:
      is_core:
        value: header_size == 12
  core_header:
    seq:
      - id: width
        type: u2
      - id: height
        type: u2
      - id: planes
        type: u2
      - id: bits_per_pixel
        type: u2
  info_header:
    seq:
      - id: width
        type: s4
      - id: height
        type: s4
        doc: positive for bottom-up rows, negative for top-down
      - id: planes
        type: u2
        valid: 1
      - id: bits_per_pixel
        type: u2
      - id: compression
        type: u4
        enum: compression
      - id: image_size
        type: u4
      - id: x_pixels_per_meter
        type: s4
      - id: y_pixels_per_meter
        type: s4
      - id: colors_used
        type: u4
      - id: colors_important
        type: u4
      - id: masks
        type: color_masks
        if: _parent.header_size >= 52
      - id: v4
        type: v4_fields
        if: _parent.header_size >= 108
      - id: v5
        type: v5_fields
        if: _parent.header_size >= 124
    instances:
      top_down:
        value: height < 0
  color_masks:
    seq:
      - id: red
        type: u4
      - id: green
        type: u4
      - id: blue
        type: u4
      - id: alpha
        type: u4
        if: _parent._parent.header_size >= 56
  v4_fields:
    seq:
      - id: color_space
        type: u4
        enum: color_space
      - id: endpoints
        size: 36
      - id: gamma_red
        type: u4
      - id: gamma_green
        type: u4
      - id: gamma_blue
        type: u4
  v5_fields:
    seq:
      - id: intent
        type: u4
      - id: profile_offset
        type: u4
      - id: profile_size
        type: u4
      - id: reserved
        type: u4
enums:
  compression:
    0: rgb
    1: rle8
    2: rle4
    3: bitfields
    4: jpeg
    5: png
    6: alpha_bitfields
  color_space:
    0: calibrated_rgb
    0x73524742: srgb
    0x57696e20: windows
    0x4c494e4b: profile_linked
    0x4d424544: profile_embedded
