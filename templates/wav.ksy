meta:
  id: wav
