meta:
  id: gif
