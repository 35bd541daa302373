// TLNN
