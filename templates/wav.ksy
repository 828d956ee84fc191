# WAVE, written for maphex from Microsoft's RIFF and WAVEFORMATEX/WAVEFORMATEXTENSIBLE
# documentation: a RIFF header, then chunks padded to even sizes.
meta:
  id: wav
  title: WAVE audio (RIFF)
  file-extension:
    - wav
    - wave
  endian: le
  encoding: ASCII
seq:
  - id: riff
    contents: RIFF
  - id: riff_size
    type: u4
  - id: form_type
    contents: WAVE
  - id: chunks
    type: chunk
    repeat: eos
types:
  chunk:
    seq:
      - id: id
        type: str
        size: 4
      - id: size
        type: u4
      - id: data
        size: size
        type:
          switch-on: id
          cases:
            '"fmt "': fmt_chunk
            '"fact"': fact_chunk
            '"LIST"': list_chunk
      - id: pad
        size: size % 2
        if: not _io.eof
  fmt_chunk:
    seq:
      - id: format_tag
        type: u2
        enum: format
      - id: channels
        type: u2
      - id: samples_per_sec
        type: u4
      - id: avg_bytes_per_sec
        type: u4
      - id: block_align
        type: u2
      - id: bits_per_sample
        type: u2
      - id: cb_size
        type: u2
        if: not _io.eof
      - id: extensible
        type: fmt_extensible
        if: not _io.eof and format_tag == format::extensible
    instances:
      is_pcm:
        value: format_tag == format::pcm
  fmt_extensible:
    seq:
      - id: valid_bits_per_sample
        type: u2
      - id: channel_mask
        type: u4
      - id: sub_format
        size: 16
  fact_chunk:
    seq:
      - id: sample_length
        type: u4
  list_chunk:
    seq:
      - id: list_type
        type: str
        size: 4
      - id: entries
        type: list_entry
        repeat: eos
  list_entry:
    seq:
      - id: id
        type: str
        size: 4
      - id: size
        type: u4
      - id: value
        type: strz
        size: size
      - id: pad
        size: size % 2
        if: not _io.eof
enums:
  format:
    0x0001: pcm
    0x0002: adpcm
    0x0003: ieee_float
    0x0006: alaw
    0x0007: mulaw
    0x0011: ima_adpcm
    0x0055: mpeg_layer3
    0xfffe: extensible
