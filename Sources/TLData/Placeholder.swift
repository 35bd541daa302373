// TLData
