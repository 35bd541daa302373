// Weight and array files are written through TLFileSystem; its atomic writer and error type are part of
// this module's interface.
@_exported import TLFileSystem
