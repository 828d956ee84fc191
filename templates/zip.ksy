# ZIP, written for maphex from PKWARE's APPNOTE.TXT (version 6.3), sections 4.3 and 4.4:
# local file headers with their data, central directory headers, the end of central
# directory record, and data descriptors.
meta:
  id: zip
  title: ZIP archive
  file-extension:
    - zip
    - jar
    - apk
    - docx
    - xlsx
    - odt
    - epub
  endian: le
  encoding: UTF-8
doc: |
  Records in file order, each starting with "PK" and a two-byte kind, up to and including
  the end of central directory record.
seq:
  - id: records
    type: record
    repeat: until
    repeat-until: _.kind == record_kind::end_of_central_directory or _io.eof
types:
  record:
    seq:
      - id: magic
        contents: PK
      - id: kind
        type: u2
        enum: record_kind
      - id: body
        type:
          switch-on: kind
          cases:
            record_kind::local_file: local_file
            record_kind::central_directory: central_directory_entry
            record_kind::end_of_central_directory: end_of_central_directory
            record_kind::data_descriptor: data_descriptor
  local_file:
    seq:
      - id: version_needed
        type: u2
      - id: flags
        type: general_flags
        size: 2
      - id: compression
        type: u2
        enum: compression
      - id: mod_time
        type: u2
      - id: mod_date
        type: u2
      - id: crc32
        type: u4
      - id: compressed_size
        type: u4
      - id: uncompressed_size
        type: u4
      - id: len_file_name
        type: u2
      - id: len_extra
        type: u2
      - id: file_name
        type: str
        size: len_file_name
      - id: extra
        size: len_extra
      - id: data
        size: compressed_size
  general_flags:
    meta:
      bit-endian: le
    seq:
      - id: encrypted
        type: b1
      - id: compression_options
        type: b2
      - id: has_data_descriptor
        type: b1
      - id: reserved_4
        type: b1
      - id: patched_data
        type: b1
      - id: strong_encryption
        type: b1
      - id: unused_7_10
        type: b4
      - id: utf8_names
        type: b1
      - id: reserved_12
        type: b1
      - id: masked_header
        type: b1
      - id: reserved_14_15
        type: b2
  central_directory_entry:
    seq:
      - id: version_made_by
        type: u2
      - id: version_needed
        type: u2
      - id: flags
        type: u2
      - id: compression
        type: u2
        enum: compression
      - id: mod_time
        type: u2
      - id: mod_date
        type: u2
      - id: crc32
        type: u4
      - id: compressed_size
        type: u4
      - id: uncompressed_size
        type: u4
      - id: len_file_name
        type: u2
      - id: len_extra
        type: u2
      - id: len_comment
        type: u2
      - id: disk_start
        type: u2
      - id: internal_attributes
        type: u2
      - id: external_attributes
        type: u4
      - id: local_header_offset
        type: u4
      - id: file_name
        type: str
        size: len_file_name
      - id: extra
        size: len_extra
      - id: comment
        type: str
        size: len_comment
    instances:
      local_header:
        io: _root._io
        pos: local_header_offset
        type: record
        if: local_header_offset + 30 <= _root._io.size
  end_of_central_directory:
    seq:
      - id: disk_number
        type: u2
      - id: central_directory_disk
        type: u2
      - id: entries_on_disk
        type: u2
      - id: entries_total
        type: u2
      - id: central_directory_size
        type: u4
      - id: central_directory_offset
        type: u4
      - id: len_comment
        type: u2
      - id: comment
        type: str
        size: len_comment
  data_descriptor:
    seq:
      - id: crc32
        type: u4
      - id: compressed_size
        type: u4
      - id: uncompressed_size
        type: u4
enums:
  record_kind:
    0x0201: central_directory
    0x0403: local_file
    0x0505: digital_signature
    0x0605: end_of_central_directory
    0x0606: zip64_end_of_central_directory
    0x0706: zip64_end_of_central_directory_locator
    0x0807: data_descriptor
  compression:
    0: stored
    1: shrunk
    6: imploded
    8: deflated
    9: deflate64
    12: bzip2
    14: lzma
    93: zstd
    95: xz
    98: ppmd
