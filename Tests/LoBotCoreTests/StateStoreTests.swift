// The vTPM state file and its session: authenticated encryption refuses any altered bit, the
// rollback counter refuses an older copy, the lock refuses a second user, and an interrupted
// commit is finished on the next open.
import LoBotCore
import Testing
import TestSupport

@Suite struct StateStoreTests {
    struct Fixture {
        let temp: TemporaryDirectory
        let directory: VTPMDirectory
        let msk: MasterKey
        let counter: FileRollbackCounter

        init() throws {
            temp = try TemporaryDirectory("lobot-state")
            directory = VTPMDirectory(temp.path)
            msk = try MasterKey.generate()
            counter = try FileRollbackCounter.create(path: directory.counterPath)
            _ = try VTPMSession.create(directory: directory, msk: msk, counter: counter, vtpm: VTPMTests.shared)
        }

        func open() throws(LoBotError) -> VTPMSession<FileRollbackCounter> {
            try VTPMSession.open(directory: directory, msk: msk, counter: counter)
        }

        func openError() -> LoBotError? {
            do throws(LoBotError) {
                _ = try open()
                return nil
            } catch {
                return error
            }
        }

        var stateBytes: [UInt8] { get throws { try temp.read("vtpm.state") } }
    }

    @Test func commitPersistsAndVersionsFollowTheCounter() throws {
        let fixture = try Fixture()
        do {
            var session = try fixture.open()
            #expect(session.version == 1)
            try session.vtpm.extend(pcr: 2, digest: .ones, name: "x")
            try session.commit()
            #expect(session.version == 2)
        }
        let reopened = try fixture.open()
        #expect(reopened.version == 2)
        #expect(try fixture.counter.read() == 2)
        #expect(reopened.vtpm.pcrs.values[2] != .zero)
        #expect(reopened.vtpm.log.events.count == 1)
    }

    @Test func stateFileIsPrivate() throws {
        let fixture = try Fixture()
        let info = try FileManagerMode.mode(fixture.directory.statePath)
        #expect(info == 0o600)
    }

    @Test func everyBitFlipInTheStateFileIsRefused() throws {
        let fixture = try Fixture()
        let good = try fixture.stateBytes
        var accepted: [Int] = []
        for bit in 0..<(good.count * 8) {
            var bytes = good
            bytes[bit / 8] ^= UInt8(1 << (bit % 8))
            do throws(LoBotError) {
                _ = try StateFile(bytes: bytes).open(key: fixture.msk, path: "state")
                accepted.append(bit)
            } catch {
                switch error {
                case .parse, .authentication: break
                default: accepted.append(bit)
                }
            }
        }
        #expect(accepted.isEmpty, "bit flips accepted at \(accepted.prefix(10))")
    }

    @Test func alteredStateFileGivesOneClearLine() throws {
        let fixture = try Fixture()
        var bytes = try fixture.stateBytes
        bytes[bytes.count / 2] ^= 0x10
        _ = try fixture.temp.write("vtpm.state", bytes)
        let error = fixture.openError()
        #expect(error == .authentication(what: "vTPM state \(fixture.directory.statePath)"))
        #expect(error?.message == "vTPM state \(fixture.directory.statePath) failed authentication: altered, or not made for this key")
    }

    @Test func wrongMasterKeyIsRefused() throws {
        let fixture = try Fixture()
        #expect(throws: LoBotError.authentication(what: "vTPM state \(fixture.directory.statePath)")) {
            _ = try VTPMSession.open(directory: fixture.directory, msk: try MasterKey.generate(), counter: fixture.counter)
        }
    }

    @Test func rolledBackStateFileIsRefused() throws {
        let fixture = try Fixture()
        let old = try fixture.stateBytes
        do {
            var session = try fixture.open()
            _ = try session.vtpm.incrementCounter()
            try session.commit()
        }
        _ = try fixture.temp.write("vtpm.state", old)
        #expect(fixture.openError() == .rollback(path: fixture.directory.statePath, stateVersion: 1, counter: 2))
    }

    @Test func secondUserGetsInUse() throws {
        let fixture = try Fixture()
        let first = try fixture.open()
        #expect(fixture.openError() == .inUse(path: fixture.directory.path))
        _ = consume first
        #expect(fixture.openError() == nil)
    }

    @Test func commitInterruptedAfterCounterIsFinishedOnOpen() throws {
        // Crash between steps 2 and 3: pending at v+1, counter at v+1, state at v.
        let fixture = try Fixture()
        let vtpm = try fixture.open().vtpm
        try vtpm.extend(pcr: 9, digest: .ones, name: "pending")
        try Files.writeDurably(fixture.directory.pendingPath, try StateFile.seal(vtpm.state.bytes, kind: .vtpmState, id: vtpm.id, version: 2, key: fixture.msk).bytes)
        #expect(try fixture.counter.increment() == 2)
        let session = try fixture.open()
        #expect(session.version == 2)
        #expect(session.vtpm.pcrs.values[9] != .zero)
        #expect(!fixture.temp.exists("vtpm.state.new"))
    }

    @Test func commitInterruptedBeforeCounterIsRolledForward() throws {
        // Crash between steps 1 and 2: pending at v+1, counter and state at v.
        let fixture = try Fixture()
        let vtpm = try fixture.open().vtpm
        try vtpm.extend(pcr: 9, digest: .ones, name: "pending")
        try Files.writeDurably(fixture.directory.pendingPath, try StateFile.seal(vtpm.state.bytes, kind: .vtpmState, id: vtpm.id, version: 2, key: fixture.msk).bytes)
        let session = try fixture.open()
        #expect(session.version == 2)
        #expect(try fixture.counter.read() == 2)
        #expect(session.vtpm.pcrs.values[9] != .zero)
    }

    @Test func tornPendingFileIsDiscarded() throws {
        // Crash during step 1: a partial pending file; the committed state stands.
        let fixture = try Fixture()
        _ = try fixture.temp.write("vtpm.state.new", Array(try fixture.stateBytes.prefix(100)))
        let session = try fixture.open()
        #expect(session.version == 1)
        #expect(!fixture.temp.exists("vtpm.state.new"))
    }

    @Test func stalePendingFileCannotRollBack() throws {
        // An old pending copy (version 1) placed beside a newer state is not used.
        let fixture = try Fixture()
        let old = try fixture.stateBytes
        do {
            var session = try fixture.open()
            try session.commit()
            try session.commit()
        }
        _ = try fixture.temp.write("vtpm.state.new", old)
        let session = try fixture.open()
        #expect(session.version == 3)
    }

    @Test func counterFileIsAWireStructure() throws {
        // magic "LBCN", format 0001, value 0000000000000007.
        try checkWireStructure(CounterFile(value: 7), known: hexBytes("4c42434e 0001 0000000000000007"), fixedFieldOffsets: Array(0..<6))
    }

    @Test func stateFileStructure() throws {
        let fixture = try Fixture()
        let bytes = try fixture.stateBytes
        let file = try StateFile(bytes: bytes)
        #expect(file.version == 1)
        #expect(file.bytes == bytes)
        // magic "LBSF", format 0001, kind 01 (vTPM state), then the vTPM's identity.
        #expect(Array(bytes.prefix(7)) == hexBytes("4c425346 0001 01"))
        #expect(file.id == (try fixture.open().vtpm.id))
        for length in stride(from: 0, to: bytes.count, by: 13) {
            #expect(parseError(StateFile.self, Array(bytes.prefix(length))) != nil)
        }
        #expect(parseError(StateFile.self, bytes + [0]) != nil)
    }
}

import Foundation

enum FileManagerMode {
    static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }
}
