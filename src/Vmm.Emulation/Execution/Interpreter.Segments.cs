namespace Vmm.Emulation.Execution;

/// <summary>
/// Segment loads. In real mode a load sets the selector and base (selector×16) and keeps the cached limit
/// and attributes, as the hardware does (so "unreal mode" works). In protected and long mode it reads the
/// descriptor from the GDT or LDT, checks type and presence, sets the accessed bit in memory, and caches it.
/// </summary>
/// <remarks>
/// The guest runs at CPL 0: privilege checks are not made, and a far transfer that would change privilege,
/// or go through a call gate or task gate, stops the run as an emulation limit. Segment limits are not
/// checked on accesses.
/// </remarks>
internal sealed unsafe partial class Interpreter
{
    private bool ProtectedMode => (_cr0 & ControlBits.Cr0Pe) != 0;

    /// <summary>Loads a data or stack segment register (MOV, POP, LDS and friends).</summary>
    private void LoadSegment(int segment, ushort selector)
    {
        ref SegmentRegister s = ref Segment(segment);
        if (!ProtectedMode)
        {
            s.Selector = selector;
            s.Base = (ulong)selector << 4;
            UpdateMode();
            return;
        }

        if ((selector & 0xFFFC) == 0)
        {
            // A null selector may be loaded into a data segment register, and into SS in 64-bit mode at
            // CPL 0 (Intel SDM Vol. 3A 5.4.1.1); using it faults later.
            if (segment == SegmentIndex.Ss && _codeBitness != 64)
                throw new GuestFault(ExceptionVector.GeneralProtection, 0, "null selector loaded into SS");
            s = new SegmentRegister { Selector = selector, Attributes = SegmentRegister.Unusable };
            UpdateMode();
            return;
        }

        ulong descriptor = ReadDescriptor(selector, out ulong descriptorAddress);
        uint access = (uint)(descriptor >> 40) & 0xFF;
        uint type = access & 0xF;
        bool isCodeOrData = (access & SegmentRegister.System) != 0;
        bool code = (type & 0x8) != 0;
        bool writableOrReadable = (type & 0x2) != 0;
        uint errorCode = selector & 0xFFFCu;
        if (segment == SegmentIndex.Ss)
        {
            if (!isCodeOrData || code || !writableOrReadable)
                throw new GuestFault(ExceptionVector.GeneralProtection, errorCode, $"selector 0x{selector:x} is not a writable data segment for SS");
            if ((access & SegmentRegister.Present) == 0)
                throw new GuestFault(ExceptionVector.StackFault, errorCode, $"stack segment 0x{selector:x} is not present");
        }
        else
        {
            if (!isCodeOrData || (code && !writableOrReadable))
                throw new GuestFault(ExceptionVector.GeneralProtection, errorCode, $"selector 0x{selector:x} is not a data or readable code segment");
            if ((access & SegmentRegister.Present) == 0)
                throw new GuestFault(ExceptionVector.SegmentNotPresent, errorCode, $"segment 0x{selector:x} is not present");
        }

        s = FromDescriptor(selector, MarkAccessed(descriptor, descriptorAddress));
        UpdateMode();
    }

    /// <summary>
    /// Loads CS for a far JMP, CALL, RET or IRET to <paramref name="selector"/>, or (with
    /// <paramref name="fromGate"/>) for the code segment an interrupt gate names, where only a code segment will do.
    /// </summary>
    private void LoadCodeSegment(ushort selector, bool fromGate = false)
    {
        ref SegmentRegister cs = ref Segment(SegmentIndex.Cs);
        if (!ProtectedMode)
        {
            cs.Selector = selector;
            cs.Base = (ulong)selector << 4;
            UpdateMode();
            return;
        }

        if ((selector & 0xFFFC) == 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, 0, "far transfer to a null code selector");
        if ((selector & 3) != 0)
            throw new EmulationLimit($"far transfer to selector 0x{selector:x} with RPL {selector & 3}: privilege changes are not emulated");

        ulong descriptor = ReadDescriptor(selector, out ulong descriptorAddress);
        uint access = (uint)(descriptor >> 40) & 0xFF;
        uint errorCode = selector & 0xFFFCu;
        if ((access & SegmentRegister.System) == 0)
        {
            // Call gates (4, 12), task gates (5) and TSS descriptors (1, 3, 9, 11) redirect a far JMP or CALL;
            // anything else, or anything at all in an interrupt gate, is not a code segment: #GP.
            if (!fromGate && (access & 0xF) is 1 or 3 or 4 or 5 or 9 or 11 or 12)
                throw new EmulationLimit($"far transfer through system descriptor 0x{selector:x} (type {access & 0xF}): call gates and task switches are not emulated");
            throw new GuestFault(ExceptionVector.GeneralProtection, errorCode, $"selector 0x{selector:x} is a system descriptor of type {access & 0xF}, not a code segment");
        }

        if ((access & 0x8) == 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, errorCode, $"far transfer to data segment 0x{selector:x}");
        if ((access & SegmentRegister.Present) == 0)
            throw new GuestFault(ExceptionVector.SegmentNotPresent, errorCode, $"code segment 0x{selector:x} is not present");
        if (((descriptor >> 45) & 3) != 0)
            throw new EmulationLimit($"far transfer to code segment 0x{selector:x} with DPL {(descriptor >> 45) & 3}: privilege changes are not emulated");
        bool longMode = (_efer & ControlBits.EferLma) != 0;
        if (longMode && (descriptor & (1ul << 53)) != 0 && (descriptor & (1ul << 54)) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, errorCode, $"code segment 0x{selector:x} has both L and D set");

        cs = FromDescriptor(selector, MarkAccessed(descriptor, descriptorAddress));
        UpdateMode();
    }

    /// <summary>Reads the 8-byte descriptor <paramref name="selector"/> names in the GDT or LDT, or raises #GP.</summary>
    private ulong ReadDescriptor(ushort selector, out ulong address)
    {
        bool local = (selector & 4) != 0;
        ulong tableBase = local ? _ldtr.Base : _gdtBase;
        ulong limit = local ? _ldtr.Limit : _gdtLimit;
        if (local && (_ldtr.Attributes & SegmentRegister.Unusable) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, selector & 0xFFFCu, $"selector 0x{selector:x} points into the LDT, and none is loaded");
        ulong offset = (ulong)(selector & 0xFFF8);
        if (offset + 7 > limit)
            throw new GuestFault(ExceptionVector.GeneralProtection, selector & 0xFFFCu,
                $"selector 0x{selector:x} is past the {(local ? "LDT" : "GDT")} limit 0x{limit:x}");
        address = (tableBase + offset) & _linearMask;
        return Read(address, 8);
    }

    /// <summary>Sets the descriptor's accessed bit in memory, as the processor does when it loads one.</summary>
    private ulong MarkAccessed(ulong descriptor, ulong address)
    {
        const ulong accessed = 1ul << 40;
        if ((descriptor & accessed) == 0)
        {
            descriptor |= accessed;
            Write((address + 5) & _linearMask, 1, (byte)(descriptor >> 40));
        }

        return descriptor;
    }

    /// <summary>The hidden part a descriptor loads: base, limit in bytes (scaled by G), attributes.</summary>
    private static SegmentRegister FromDescriptor(ushort selector, ulong descriptor)
    {
        uint limit = (uint)(descriptor & 0xFFFF) | (uint)((descriptor >> 32) & 0xF_0000);
        if ((descriptor & (1ul << 55)) != 0)
            limit = (limit << 12) | 0xFFF;
        return new SegmentRegister
        {
            Base = ((descriptor >> 16) & 0xFF_FFFF) | ((descriptor >> 32) & 0xFF00_0000),
            Limit = limit,
            Selector = selector,
            Attributes = (uint)((descriptor >> 40) & 0xFF) | (uint)((descriptor >> 52) & 0xF) << 12,
        };
    }

    /// <summary>Loads LDTR or TR from a system descriptor (16 bytes in long mode, with the upper base).</summary>
    private SegmentRegister LoadSystemSegment(ushort selector, uint expectedType, string name)
    {
        if ((selector & 0xFFFC) == 0)
            return new SegmentRegister { Selector = selector, Attributes = SegmentRegister.Unusable };
        if ((selector & 4) != 0)
            throw new GuestFault(ExceptionVector.GeneralProtection, selector & 0xFFFCu, $"{name} selector 0x{selector:x} points into the LDT");
        ulong descriptor = ReadDescriptor(selector, out ulong address);
        uint access = (uint)(descriptor >> 40) & 0xFF;
        if ((access & SegmentRegister.System) != 0 || ((access & 0xF) != expectedType && !(expectedType == 0x9 && (access & 0xF) == 0x1)))
            throw new GuestFault(ExceptionVector.GeneralProtection, selector & 0xFFFCu, $"selector 0x{selector:x} is not a {name} descriptor");
        if ((access & SegmentRegister.Present) == 0)
            throw new GuestFault(ExceptionVector.SegmentNotPresent, selector & 0xFFFCu, $"{name} descriptor 0x{selector:x} is not present");
        SegmentRegister segment = FromDescriptor(selector, descriptor);
        if ((_efer & ControlBits.EferLma) != 0)
            segment.Base |= Read((address + 8) & _linearMask, 4) << 32;
        return segment;
    }
}
