using System.Runtime.CompilerServices;
using Vmm.Sdk;

namespace Vmm.Emulation.Execution;

/// <summary>
/// Guest memory access by linear address. The fast path is one direct-mapped TLB probe and a host load or
/// store; everything else (a miss, a page crossing, MMIO, a store to a page with decoded code) takes the
/// slow path, which walks the page tables, refills the TLB and turns non-RAM accesses into MMIO exits.
/// </summary>
/// <remarks>
/// An access that crosses a page boundary is split at the boundary, as KVM's emulator does
/// (emulator_read_write): each part is translated on its own and is RAM or MMIO on its own, so a 4-byte
/// write straddling the end of RAM and an MMIO page stores 2 bytes in RAM and makes a 2-byte MmioWrite.
/// RAM regions are page-aligned, so no access can straddle RAM and MMIO within one page.
/// </remarks>
internal sealed unsafe partial class Interpreter
{
    private const int TlbSize = 256;
    private const uint PageMask = 0xFFF;

    private readonly TlbEntry[] _tlb = new TlbEntry[TlbSize];

    /// <summary>I/O and MMIO exits so far, so an instruction can tell whether one of its accesses made one.</summary>
    private long _exitCount;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref TlbEntry TlbSlot(ulong page) => ref Unsafe.Add(ref First(_tlb), (int)page & (TlbSize - 1));

    /// <summary>Reads <paramref name="size"/> (1, 2, 4, 8) bytes at <paramref name="linear"/>, zero-extended.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Read(ulong linear, int size)
    {
        ulong page = linear >> 12;
        ref TlbEntry entry = ref TlbSlot(page);
        uint offset = (uint)linear & PageMask;
        if (entry.ReadTag == page && offset <= 4096u - (uint)size)
        {
            byte* p = (byte*)entry.Host + offset;
            if (size == 4)
                return Unsafe.ReadUnaligned<uint>(p);
            if (size == 8)
                return Unsafe.ReadUnaligned<ulong>(p);
            if (size == 2)
                return Unsafe.ReadUnaligned<ushort>(p);
            return *p;
        }

        return ReadSlow(linear, size);
    }

    /// <summary>Writes the low <paramref name="size"/> (1, 2, 4, 8) bytes of <paramref name="value"/> at <paramref name="linear"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Write(ulong linear, int size, ulong value)
    {
        ulong page = linear >> 12;
        ref TlbEntry entry = ref TlbSlot(page);
        uint offset = (uint)linear & PageMask;
        if (entry.WriteTag == page && offset <= 4096u - (uint)size)
        {
            byte* p = (byte*)entry.Host + offset;
            if (size == 4)
                Unsafe.WriteUnaligned(p, (uint)value);
            else if (size == 8)
                Unsafe.WriteUnaligned(p, value);
            else if (size == 2)
                Unsafe.WriteUnaligned(p, (ushort)value);
            else
                *p = (byte)value;
            return;
        }

        WriteSlow(linear, size, value);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ulong ReadSlow(ulong linear, int size)
    {
        int offset = (int)(linear & PageMask);
        if (offset + size <= 4096)
            return ReadWithinPage(linear, size);
        int first = 4096 - offset;
        ulong low = ReadWithinPage(linear, first);
        ulong high = ReadWithinPage((linear + (ulong)first) & _linearMask, size - first);
        return low | (high << (first << 3));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteSlow(ulong linear, int size, ulong value)
    {
        int offset = (int)(linear & PageMask);
        if (offset + size <= 4096)
        {
            WriteWithinPage(linear, size, value);
            return;
        }

        // Translate both pages before storing anything, so a fault on the second leaves memory untouched.
        int first = 4096 - offset;
        ulong next = (linear + (ulong)first) & _linearMask;
        Translate(linear, Access.Write);
        Translate(next, Access.Write);
        WriteWithinPage(linear, first, value);
        WriteWithinPage(next, size - first, value >> (first << 3));
    }

    private ulong ReadWithinPage(ulong linear, int size)
    {
        ref TlbEntry entry = ref Translate(linear, Access.Read);
        uint offset = (uint)linear & PageMask;
        if (entry.Host != 0)
            return LoadHost((byte*)entry.Host + offset, size);
        return MmioRead((entry.PhysicalPage << 12) | offset, size);
    }

    private void WriteWithinPage(ulong linear, int size, ulong value)
    {
        ref TlbEntry entry = ref Translate(linear, Access.Write);
        uint offset = (uint)linear & PageMask;
        ulong physical = (entry.PhysicalPage << 12) | offset;
        if (entry.Host == 0)
        {
            MmioWrite(physical, size, value);
            return;
        }

        if (_codePages.Overlaps(physical, size))
            NoteCodeWrite();
        StoreHost((byte*)entry.Host + offset, size, value);
    }

    /// <summary>
    /// Stores a run of bytes, as KVM's emulator writes a batch of REP INS data (segmented_write of
    /// size × count bytes): page by page, RAM directly, MMIO as write exits of at most 8 bytes each
    /// (KVM's mmio_fragments are completed 8 bytes at a time).
    /// </summary>
    private void WriteBytes(ulong linear, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            int onPage = Math.Min(data.Length, 4096 - (int)(linear & PageMask));
            ref TlbEntry entry = ref Translate(linear, Access.Write);
            uint offset = (uint)linear & PageMask;
            ulong physical = (entry.PhysicalPage << 12) | offset;
            ReadOnlySpan<byte> part = data[..onPage];
            if (entry.Host != 0)
            {
                if (_codePages.Overlaps(physical, onPage))
                    NoteCodeWrite();
                part.CopyTo(new Span<byte>((byte*)entry.Host + offset, onPage));
            }
            else
            {
                for (int done = 0; done < onPage; done += 8)
                {
                    int length = Math.Min(8, onPage - done);
                    ulong value = 0;
                    for (int i = 0; i < length; i++)
                        value |= (ulong)part[done + i] << (i << 3);
                    MmioWrite(physical + (ulong)done, length, value);
                }
            }

            data = data[onPage..];
            linear = (linear + (ulong)onPage) & _linearMask;
        }
    }

    /// <summary>
    /// A store hit bytes this vCPU has decoded: every cached block must prove it still matches memory
    /// before it runs again, and the current block ends after this instruction (its later instructions may
    /// be the ones that changed).
    /// </summary>
    private void NoteCodeWrite()
    {
        _epoch++;
        _endBlock = true;
    }

    private static ulong LoadHost(byte* p, int size)
    {
        switch (size)
        {
            case 1: return *p;
            case 2: return Unsafe.ReadUnaligned<ushort>(p);
            case 4: return Unsafe.ReadUnaligned<uint>(p);
            case 8: return Unsafe.ReadUnaligned<ulong>(p);
        }

        ulong value = 0;
        for (int i = 0; i < size; i++)
            value |= (ulong)p[i] << (i << 3);
        return value;
    }

    private static void StoreHost(byte* p, int size, ulong value)
    {
        switch (size)
        {
            case 1: *p = (byte)value; return;
            case 2: Unsafe.WriteUnaligned(p, (ushort)value); return;
            case 4: Unsafe.WriteUnaligned(p, (uint)value); return;
            case 8: Unsafe.WriteUnaligned(p, value); return;
        }

        for (int i = 0; i < size; i++)
            p[i] = (byte)(value >> (i << 3));
    }

    /// <summary>An MMIO read exit: the pipeline fills the zeroed buffer, the value is what it wrote (little-endian).</summary>
    private ulong MmioRead(ulong physical, int size)
    {
        Span<byte> data = _exitBuffer.AsSpan(0, size);
        data.Clear();
        var exit = new ExitContext(ExitKind.MmioRead, _id, physical, size, 1, data) { InstructionPointer = _rip };
        Dispatch(ref exit);
        ulong value = 0;
        for (int i = 0; i < size; i++)
            value |= (ulong)_exitBuffer[i] << (i << 3);
        return value;
    }

    private void MmioWrite(ulong physical, int size, ulong value)
    {
        Span<byte> data = _exitBuffer.AsSpan(0, size);
        for (int i = 0; i < size; i++)
            data[i] = (byte)(value >> (i << 3));
        var exit = new ExitContext(ExitKind.MmioWrite, _id, physical, size, 1, data) { InstructionPointer = _rip };
        Dispatch(ref exit);
    }

    /// <summary>
    /// Hands an I/O or MMIO exit to the pipeline. Devices may have written guest memory meanwhile, so cached
    /// code is revalidated and the current block ends; a non-Resume outcome stops the run once the
    /// instruction has completed, as KVM completes the exit before returning <c>Requested</c>.
    /// </summary>
    private void Dispatch(ref ExitContext exit)
    {
        _exitCount++;
        _pipeline!(ref exit);
        _epoch++;
        _endBlock = true;
        if (exit.Outcome != ExitOutcome.Resume)
            _pendingStop ??= s_requested;
    }
}
