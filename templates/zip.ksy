meta:
  id: zip
