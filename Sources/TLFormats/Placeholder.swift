// TLFormats
