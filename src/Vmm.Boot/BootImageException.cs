using Vmm.Core;

namespace Vmm.Boot;

/// <summary>A boot image that cannot be loaded: missing, unreadable, or not fitting in RAM.</summary>
public sealed class BootImageException(string message, Exception? inner = null) : VmmException(message, inner!);
