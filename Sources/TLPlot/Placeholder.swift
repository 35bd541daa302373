// TLPlot
