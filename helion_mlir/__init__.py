"""helion_mlir"""
