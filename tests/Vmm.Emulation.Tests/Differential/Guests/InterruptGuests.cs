using System.Buffers.Binary;
using Iced.Intel;
using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Differential.Harness;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Differential.Harness.GuestLayout;

namespace Vmm.Emulation.Tests.Differential.Guests;

/// <summary>
/// Exceptions in protected mode, delivered through an IDT of 32-bit interrupt gates: faults with and without
/// an error code. (No INT n: the KVM here emulates every instruction, and its emulator runs INT n in real
/// mode only, arch/x86/kvm/emulate.c emulate_int.)
/// </summary>
internal static class InterruptGuests
{
    private const ulong IdtrAddress = 0x4E0, IdtAddress = 0x5000;
    private const ulong DivideErrorHandler = 0x3000, InvalidOpcodeHandler = 0x3100, GeneralProtectionHandler = 0x3200;
    private const int DivideError = 0, InvalidOpcode = 6, GeneralProtection = 13;
    private const ushort BeyondGdtLimit = 0x28;

    // Long mode: a #PF handler, the page directory of 1-2 GiB (see GuestImage) and 2 MiB entries for physical 0.
    private const ulong LongPageFaultHandler = 0x3300;
    private const int PageFault = 14;
    private const uint SecondGibDirectory = (uint)Pml4Address + 0x3000;
    private const uint WritableLargePage = 0xE3, ReadOnlyLargePage = 0xE1;
    private const ulong ResumeFlag = 1ul << 16;

    public static IEnumerable<GuestProgram> All =>
    [
        new("protected32_exceptions_through_the_idt", CpuMode.Protected32, a =>
        {
            a.lgdt(__[GdtrAddress]);
            a.lidt(__[IdtrAddress]);
            a.mov(edx, 0);
            a.mov(eax, 100);
            a.mov(ecx, 0);
            a.cmp(eax, ecx);                            // defined flags for the exception to push
            a.div(ecx);                                 // #DE: a fault, the handler skips the 2-byte DIV
            a.OutValue(eax);
            a.ud2();                                    // #UD: a fault, the handler skips the 2-byte UD2
            a.mov(ecx, BeyondGdtLimit);
            a.stc();
            a.mov(ds, ecx);                             // #GP(0x28): a fault with an error code; skips the 2-byte MOV
            a.OutFlags();
            a.sidt(__[DataAddress + 0x800]);
            a.OutValue(__dword_ptr[DataAddress + 0x800]);
            a.OutValue(__dword_ptr[DataAddress + 0x804]);
            a.OutValue(esp);
            a.cmp(eax, ecx);
            a.hlt();
        })
        {
            MoreCode =
            [
                new CodeBlock(32, DivideErrorHandler, a => Handler(a, skip: 2)),
                new CodeBlock(32, InvalidOpcodeHandler, a => Handler(a, skip: 2)),
                new CodeBlock(32, GeneralProtectionHandler, a =>
                {
                    a.pop(esi);                             // the error code
                    a.OutValue(esi);
                    Handler(a, skip: 2);
                }),
            ],
            Data = [new GuestData(IdtrAddress, Idtr()), new GuestData(IdtAddress, Idt())],
        },

        new("protected32_divide_overflow_faults", CpuMode.Protected32, a =>
        {
            a.lgdt(__[GdtrAddress]);
            a.lidt(__[IdtrAddress]);
            a.mov(edx, 1);
            a.mov(eax, 0);
            a.mov(ecx, 1);
            a.cmp(eax, ecx);
            a.div(ecx);                                 // quotient 2^32: #DE, EDX:EAX unchanged
            a.OutValue(eax);
            a.OutValue(edx);
            a.mov(eax, 0x8000_0000);
            a.cdq();
            a.mov(ecx, -1);
            a.idiv(ecx);                                // INT_MIN / -1: #DE
            a.OutValue(eax);
            a.mov(ax, 0x1000);
            a.mov(bl, 2);
            a.div(bl);                                  // 0x800 does not fit in AL: #DE
            a.OutValue(eax);
            a.mov(ax, 0x8000);
            a.mov(bl, 0xFF);
            a.idiv(bl);                                 // 32768 does not fit in AL: #DE
            a.OutValue(eax);
            a.mov(ax, 0x00FE);
            a.mov(bl, 0xFF);
            a.idiv(bl);                                 // 254 / -1 = -254: does not fit either
            a.OutValue(eax);
            a.mov(ax, 0xFF02);
            a.idiv(bl);                                 // -254 / -1 = 254: no
            a.OutValue(eax);
            a.cmp(eax, edx);
            a.hlt();
        })
        {
            MoreCode = [new CodeBlock(32, DivideErrorHandler, a => Handler(a, skip: 2))],
            Data = [new GuestData(IdtrAddress, Idtr()), new GuestData(IdtAddress, Idt())],
        },

        new("protected32_msr_reads_writes_and_unknown_msr_faults", CpuMode.Protected32, a =>
        {
            // An MSR either answers or raises #GP (the handler reports it and skips the 2-byte RDMSR/WRMSR).
            a.lgdt(__[GdtrAddress]);
            a.lidt(__[IdtrAddress]);
            foreach (uint msr in new uint[] { 0x1B, 0x277, 0xC000_0080, 0x174, 0xC000_0081, 0xC000_0082, 0xC000_0084, 0xC000_0100, 0xC000_0102, 0x1234_5678 })
            {
                a.mov(ecx, msr);
                a.mov(eax, 0xDEAD);
                a.mov(edx, 0xDEAD);
                a.rdmsr();
                a.OutValue(eax);
                a.OutValue(edx);
            }

            foreach (var (msr, value) in new (uint, ulong)[] { (0x277, 0x0006_0406_0007_0406), (0x174, 0x08), (0xC000_0081, 0x0023_0010_0000_0000), (0xC000_0082, 0x1234_5678_9ABC), (0xC000_0084, 0x4700), (0x1234_5678, 1) })
            {
                a.mov(ecx, msr);
                a.mov(eax, (uint)value);
                a.mov(edx, (uint)(value >> 32));
                a.wrmsr();
                a.mov(eax, 0xDEAD);
                a.mov(edx, 0xDEAD);
                a.rdmsr();
                a.OutValue(eax);
                a.OutValue(edx);
            }

            a.cmp(eax, edx);
            a.hlt();
        })
        {
            MoreCode =
            [
                new CodeBlock(32, GeneralProtectionHandler, a =>
                {
                    a.pop(esi);
                    a.OutValue(esi);
                    Handler(a, skip: 2);
                }),
            ],
            Data = [new GuestData(IdtrAddress, Idtr()), new GuestData(IdtAddress, Idt())],
        },

        new("long64_page_faults_through_a_64_bit_idt", CpuMode.Long64, a =>
        {
            var flat = a.CreateLabel();
            a.lgdt(__[GdtrAddress]);
            a.push(Code64Selector);                     // CS 0x08 is the boot's; the GDT's 64-bit code is 0x18
            a.lea(rax, __[flat]);
            a.push(rax);
            a.db(0x48, 0xCB);                           // RETFQ
            a.Label(ref flat);
            a.lidt(__[IdtrAddress]);
            a.mov(rax, cr0);
            a.or(eax, 1 << 16);                         // CR0.WP: supervisor writes honour read-only pages
            a.mov(cr0, rax);
            a.mov(ebx, SecondGibDirectory);
            a.mov(__qword_ptr[rbx], 0);                 // 0x4000_0000: not present
            a.mov(eax, ReadOnlyLargePage);
            a.mov(__qword_ptr[rbx + 8], rax);           // 0x4020_0000: physical 0, read-only
            a.invlpg(__[0x4000_0000]);
            a.invlpg(__[0x4020_0000]);
            a.mov(__dword_ptr[0x10], 0x600D_F00D);
            a.mov(eax, __dword_ptr[0x4000_0010]);       // #PF (not present), fixed, retried
            a.OutValue(eax);
            a.mov(ecx, __dword_ptr[0x4020_0010]);       // reading a read-only page is fine
            a.OutValue(ecx);
            a.mov(__dword_ptr[0x4020_0014], 0x1234_5678);   // #PF (write to read-only), fixed, retried
            a.OutValue(__dword_ptr[0x14]);
            a.OutValue(rsp);
            a.cmp(eax, ecx);
            a.hlt();
        })
        {
            MoreCode =
            [
                new CodeBlock(64, LongPageFaultHandler, a =>
                {
                    // Report the error code, CR2, the faulting RIP and the pushed RF; map the 2 MiB page at CR2 to physical 0,
                    // writable; return to retry. (No IRETQ: the KVM here cannot run it.)
                    a.pop(rsi);
                    a.OutValue(rsi);
                    a.mov(rdi, cr2);
                    a.OutValue(rdi);
                    a.mov(rsi, __qword_ptr[rsp]);
                    a.OutValue(rsi);
                    a.mov(rsi, __qword_ptr[rsp + 16]);      // the pushed RFLAGS: a fault pushes RF set (Intel SDM Vol. 3A 6.12.1)
                    a.mov(eax, (uint)(GuestProgram.ComparedFlags | ResumeFlag));
                    a.and(rsi, rax);
                    a.OutValue(rsi);
                    a.sub(rdi, 0x4000_0000);
                    a.shr(rdi, 21);
                    a.mov(__qword_ptr[rdi * 8 + (int)SecondGibDirectory], (int)WritableLargePage);
                    a.mov(rdi, cr2);
                    a.invlpg(__[rdi]);
                    a.push(__qword_ptr[rsp + 16]);
                    a.popfq();
                    a.db(0x48, 0xCA, 24, 0);                // RETFQ 24: RIP, CS, then drop RFLAGS, RSP, SS
                }),
            ],
            Data = [new GuestData(IdtrAddress, LongIdtr()), new GuestData(IdtAddress, LongIdt())],
        },
    ];

    /// <summary>Reports the pushed EIP, CS and EFLAGS (masked to the compared flags), then returns past the faulting instruction.</summary>
    private static void Handler(Assembler a, int skip)
    {
        a.push(ebp);
        a.mov(ebp, esp);
        a.OutValue(__dword_ptr[ebp + 4]);
        a.OutValue(__dword_ptr[ebp + 8]);
        a.mov(ebp, __dword_ptr[ebp + 12]);
        a.and(ebp, (uint)GuestProgram.ComparedFlags);
        a.OutValue(ebp);
        a.pop(ebp);
        Return(a, skip);
    }

    /// <summary>
    /// IRETD without IRETD, which the KVM here cannot run outside real mode (arch/x86/kvm/emulate.c em_iret
    /// handles real mode only, and this KVM emulates every instruction): restore EFLAGS from the frame, then a
    /// far return that drops it.
    /// </summary>
    private static void Return(Assembler a, int skip)
    {
        if (skip != 0)
            a.add(__dword_ptr[esp], skip);
        a.push(__dword_ptr[esp + 8]);
        a.popfd();
        a.retf((ushort)4);
    }

    private static byte[] Idtr()
    {
        var idtr = new byte[6];
        BinaryPrimitives.WriteUInt16LittleEndian(idtr, (GeneralProtection + 1) * 8 - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(idtr.AsSpan(2), (uint)IdtAddress);
        return idtr;
    }

    private static byte[] LongIdtr()
    {
        var idtr = new byte[10];
        BinaryPrimitives.WriteUInt16LittleEndian(idtr, (PageFault + 1) * 16 - 1);
        BinaryPrimitives.WriteUInt64LittleEndian(idtr.AsSpan(2), IdtAddress);
        return idtr;
    }

    /// <summary>A 64-bit interrupt gate for #PF to the 64-bit code segment (Intel SDM Vol. 3A 6.14.1).</summary>
    private static byte[] LongIdt()
    {
        var idt = new byte[(PageFault + 1) * 16];
        ulong gate = (LongPageFaultHandler & 0xFFFF) | ((ulong)Code64Selector << 16) | (0x8E00ul << 32) | ((LongPageFaultHandler >> 16) << 48);
        BinaryPrimitives.WriteUInt64LittleEndian(idt.AsSpan(PageFault * 16), gate);
        return idt;
    }

    /// <summary>32-bit interrupt gates (type 0xE, present, DPL 0) to the flat code segment (Intel SDM Vol. 3A 6.11).</summary>
    private static byte[] Idt()
    {
        var idt = new byte[(GeneralProtection + 1) * 8];
        foreach (var (vector, handler) in new[] { (DivideError, DivideErrorHandler), (InvalidOpcode, InvalidOpcodeHandler), (GeneralProtection, GeneralProtectionHandler) })
        {
            ulong gate = (handler & 0xFFFF) | ((ulong)Code32Selector << 16) | (0x8E00ul << 32) | ((handler >> 16) << 48);
            BinaryPrimitives.WriteUInt64LittleEndian(idt.AsSpan(vector * 8), gate);
        }

        return idt;
    }
}
