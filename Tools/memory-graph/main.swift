import MemoryGraphCommands

await MemoryGraphTool.runAsTool()
