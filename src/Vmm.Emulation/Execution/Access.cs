namespace Vmm.Emulation.Execution;

/// <summary>Why a linear address is translated: the page walk checks permissions and sets A/D bits per access.</summary>
internal enum Access : byte
{
    Read,
    Write,
    Execute,
}
