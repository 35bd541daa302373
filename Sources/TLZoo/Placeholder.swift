// TLZoo
