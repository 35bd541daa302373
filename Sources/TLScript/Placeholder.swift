// TLScript
