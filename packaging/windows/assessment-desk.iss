; Inno Setup 6 script: dist\assessment-desk-<version>-setup.exe from the PyInstaller bundle.
;
; From the repository root, on Windows (see docs/packaging.md):
;   .venv\Scripts\pyinstaller --noconfirm --distpath dist --workpath build\pyinstaller packaging\assessment-desk.spec
;   iscc /DAppVersion=<version from pyproject.toml> packaging\windows\assessment-desk.iss
;
; Installs per machine (or per user, if the user picks it or is not an administrator), adds a
; Start-menu shortcut, associates *.adsnap snapshot files (double-click runs
; "assessment-desk.exe --snapshot <file>"), and registers an uninstaller that removes all of it.
; The user's settings and data (under %APPDATA% / %LOCALAPPDATA%) are left in place.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z packaging\windows\assessment-desk.iss
#endif

#define AppName "Assessment Desk"
#define AppExe "assessment-desk.exe"
#define SnapshotProgId "AssessmentDesk.Snapshot"

[Setup]
; Never change AppId: it is how upgrades and the uninstaller find an existing installation.
AppId={{84820A23-3B98-46FB-9189-EEC0F7265901}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Berke
; Numeric only (X.Y.Z): a pre-release pyproject version needs its suffix dropped here.
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Paths are relative to this file: the bundle is ..\..\dist\assessment-desk.
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=assessment-desk-{#AppVersion}-setup
SetupIconFile=build\pyinstaller\assessment-desk\assessment-desk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
ChangesAssociations=yes
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "dist\assessment-desk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; .adsnap -> AssessmentDesk.Snapshot -> "assessment-desk.exe --snapshot "<file>"".
; HKA is HKLM for a per-machine install and HKCU for a per-user one; the uninstaller deletes
; what the flags say.
Root: HKA; Subkey: "Software\Classes\.adsnap"; ValueType: string; ValueName: ""; ValueData: "{#SnapshotProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.adsnap"; ValueType: string; ValueName: "Content Type"; ValueData: "application/x-assessment-desk-snapshot"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\.adsnap\OpenWithProgids"; ValueType: string; ValueName: "{#SnapshotProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#SnapshotProgId}"; ValueType: string; ValueName: ""; ValueData: "{#AppName} snapshot"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#SnapshotProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#SnapshotProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" --snapshot ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".adsnap"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
