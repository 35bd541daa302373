// TLLang
