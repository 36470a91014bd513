using Vmm.Core.Hypervisor;
using Vmm.Emulation.Tests.Support;
using static Iced.Intel.AssemblerRegisters;
using static Vmm.Emulation.Tests.Support.Flag;

namespace Vmm.Emulation.Tests;

/// <summary>MOVS, STOS, LODS, CMPS, SCAS with REP prefixes, both directions, and address-size counters.</summary>
public sealed class StringInstructionTests
{
    private const ushort Source = 0x3000;
    private const ushort Destination = 0x4000;

    [Fact]
    public void Rep_movsb_copies_forward_and_advances_si_di()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(si, Source);
            a.mov(di, Destination);
            a.mov(cx, 5);
            a.rep.movsb();
            a.hlt();
        }, prepare: g => "Hello"u8.CopyTo(g.Memory(Source, 5)));
        guest.RunToHalt();

        Assert.Equal("Hello"u8.ToArray(), guest.Memory(Destination, 5).ToArray());
        VcpuRegisters r = guest.Registers;
        Assert.Equal((ulong)Source + 5, r.Rsi);
        Assert.Equal((ulong)Destination + 5, r.Rdi);
        Assert.Equal(0ul, r.Rcx);
    }

    [Fact]
    public void Rep_movsw_with_df_set_copies_backward()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.std();
            a.mov(esi, Source + 6);
            a.mov(edi, Destination + 6);
            a.mov(ecx, 4);
            a.rep.movsw();
            a.cld();
            a.hlt();
        }, prepare: g => new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }.CopyTo(g.Memory(Source, 8)));
        guest.RunToHalt();

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, guest.Memory(Destination, 8).ToArray());
        Assert.Equal((ulong)Source - 2, guest.Registers.Rsi);
        Assert.Equal((ulong)Destination - 2, guest.Registers.Rdi);
    }

    [Fact]
    public void Rep_stosd_fills_and_rep_with_a_zero_count_does_nothing()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Protected32, a =>
        {
            a.cld();
            a.mov(eax, 0xA5A5_A5A5);
            a.mov(edi, Destination);
            a.mov(ecx, 3);
            a.rep.stosd();
            a.mov(edx, edi);
            a.xor(ecx, ecx);
            a.rep.stosd();                      // count 0: no store, DI unchanged
            a.hlt();
        });
        guest.RunToHalt();

        Assert.Equal(Enumerable.Repeat((byte)0xA5, 12).Append((byte)0), guest.Memory(Destination, 13).ToArray());
        Assert.Equal((ulong)Destination + 12, guest.Registers.Rdx);
        Assert.Equal((ulong)Destination + 12, guest.Registers.Rdi);
    }

    [Fact]
    public void Repe_cmpsb_stops_at_the_first_difference_with_its_flags()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(si, Source);
            a.mov(di, Destination);
            a.mov(cx, 8);
            a.repe.cmpsb();
            a.hlt();
        }, prepare: g =>
        {
            "abcdXfgh"u8.CopyTo(g.Memory(Source, 8));
            "abcdefgh"u8.CopyTo(g.Memory(Destination, 8));
        });
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(3ul, r.Rcx);                  // a b c d compared equal, X != e ended it
        Assert.Equal((ulong)Source + 5, r.Rsi);
        Assert.Equal(0ul, r.Rflags & ZF);
        Assert.Equal(CF, r.Rflags & CF);           // 'X' (0x58) < 'e' (0x65)
    }

    [Fact]
    public void Repne_scasb_finds_a_byte()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.cld();
            a.mov(edi, Destination);
            a.mov(ecx, 100);
            a.mov(al, 0);
            a.repne.scasb();
            a.hlt();
        }, prepare: g => "string\0"u8.CopyTo(g.Memory(Destination, 7)));
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal((ulong)Destination + 7, r.Rdi);
        Assert.Equal(100ul - 7, r.Rcx);
        Assert.Equal(ZF, r.Rflags & ZF);
    }

    [Fact]
    public void Lodsw_loads_the_accumulator_and_advances_si()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(si, Source);
            a.lodsw();
            a.lodsw();
            a.hlt();
        }, prepare: g => new byte[] { 0x11, 0x22, 0x33, 0x44 }.CopyTo(g.Memory(Source, 4)));
        guest.RunToHalt();

        Assert.Equal(0x4433ul, guest.Registers.Rax & 0xFFFF);
        Assert.Equal((ulong)Source + 4, guest.Registers.Rsi);
    }

    [Fact]
    public void Sixteen_bit_addressing_wraps_si_di_and_counts_with_cx_only()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(esi, 0x1234_FFFE);                // only SI (FFFE) addresses, and it wraps to 0001
            a.mov(edi, 0x5678_4000);
            a.mov(ecx, 0xFFFF_0003);                // only CX counts
            a.rep.movsb();
            a.hlt();
        }, prepare: g =>
        {
            new byte[] { 0xA1, 0xA2 }.CopyTo(g.Memory(0xFFFE, 2));
            g.Memory(0, 1)[0] = 0xA3;
        });
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(new byte[] { 0xA1, 0xA2, 0xA3 }, guest.Memory(0x4000, 3).ToArray());
        Assert.Equal(0x1234_0001ul, r.Rsi);
        Assert.Equal(0x5678_4003ul, r.Rdi);
        Assert.Equal(0xFFFF_0000ul, r.Rcx);
    }

    [Fact]
    public void Thirty_two_bit_addressing_in_long_mode_uses_esi_edi_ecx_and_zero_extends_them()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Long64, a =>
        {
            a.cld();
            a.mov(rsi, 0xFFFF_FFFF_0000_3000ul);
            a.mov(rdi, 0xFFFF_FFFF_0000_4000ul);
            a.mov(rcx, 0xFFFF_FFFF_0000_0002ul);
            a.db(0xF3, 0x67, 0xA4);                  // rep movsb with a 32-bit address size
            a.hlt();
        }, prepare: g => new byte[] { 7, 8 }.CopyTo(g.Memory(0x3000, 2)));
        guest.RunToHalt();

        VcpuRegisters r = guest.Registers;
        Assert.Equal(new byte[] { 7, 8 }, guest.Memory(0x4000, 2).ToArray());
        Assert.Equal(0x3002ul, r.Rsi);
        Assert.Equal(0x4002ul, r.Rdi);
        Assert.Equal(0ul, r.Rcx);
    }

    [Fact]
    public void Segment_override_changes_the_source_of_movs_but_never_the_destination()
    {
        using EmulatedGuest guest = EmulatedGuest.Start(CpuMode.Real, a =>
        {
            a.cld();
            a.mov(ax, 0x0100);
            a.mov(fs, ax);                           // FS base 0x1000
            a.mov(si, 0x2000);                       // FS:SI = 0x3000
            a.mov(di, Destination);                  // ES:DI = 0x4000 (ES = 0)
            a.mov(cx, 2);
            a.db(0x64, 0xF3, 0xA4);                 // rep movsb es:[di],fs:[si]
            a.hlt();
        }, prepare: g => new byte[] { 0xC1, 0xC2 }.CopyTo(g.Memory(Source, 2)));
        guest.RunToHalt();

        Assert.Equal(new byte[] { 0xC1, 0xC2 }, guest.Memory(Destination, 2).ToArray());
    }
}
