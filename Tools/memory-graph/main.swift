import MemoryGraphCommands

MemoryGraphTool.runAsTool()
