"""International alignment: the international catalog as data (ISO open data or a plain CSV), and
how each JIS stands against the editions of the ISO/IEC documents it corresponds to."""
