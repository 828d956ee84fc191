meta:
  id: bmp
