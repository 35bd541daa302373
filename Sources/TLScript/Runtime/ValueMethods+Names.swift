extension Value {
    /// The Python methods a list, tuple, dict or string answers (`append`, `keys`, `upper`, ...), for
    /// tab completion after `value.`; empty for other values.
    public var methodNames: [String] { ValueMethods.names(for: self) }
}
