; Girls Court: Windows installer (Inno Setup 6.1 or newer).
;
; Build the PyInstaller bundle first (installer\README.md), then from the repository root:
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\girlscourt.iss
; Output: installer\dist\GirlsCourt-<version>-setup.exe
;
; Per-machine install into Program Files (administrator rights), Start-menu entry, uninstaller
; (Apps & features). Silent install for IT, with the machine-wide database default:
;   GirlsCourt-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /SP-
;       /LOG="%TEMP%\girlscourt-setup.log" /DATABASE="postgresql://girlscourt@db.county.example/girlscourt"
; /DATABASE= writes database_url to %ProgramData%\Girls Court\girlscourt.toml (read by every user
; of the machine; a user's own setting, GIRLSCOURT_DATABASE_URL or --database still win).
; Never put a password in the URL: each user is asked for it (and may keep it in the Windows
; Credential Manager through `girlscourt db set-password`).

#define AppName "Girls Court"
#define AppId "org.girlscourt.GirlsCourt"
#define BundleDir AddBackslash(SourcePath) + "..\dist\girlscourt"
#define MainExe "girlscourt-desktop.exe"
; The version comes from the package, through the version resource the spec writes into the exe.
#define AppVersion GetStringFileInfo(BundleDir + "\girlscourt.exe", "ProductVersion")
#if AppVersion == ""
  #error "No version in dist\girlscourt\girlscourt.exe: build installer\girlscourt.spec first"
#endif

[Setup]
; A fixed GUID (uuid5 of the app id): upgrades find and replace the previous install.
AppId={{C67A3308-CFBD-5705-820E-27153B1CBBDA}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=The Girls Court project
VersionInfoVersion={#GetVersionNumbersString(BundleDir + "\girlscourt.exe")}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine only: county workstations are shared and users are not administrators.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
LicenseFile=..\licenses\GPL-3.0.txt
SetupIconFile=..\..\resources\icons\girlscourt.ico
UninstallDisplayIcon={app}\{#MainExe}
UninstallDisplayName={#AppName}
OutputDir=..\dist
OutputBaseFilename=GirlsCourt-{#AppVersion}-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running Girls Court (Restart Manager) instead of asking for a reboot.
CloseApplications=yes
RestartApplications=no
SetupLogging=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\THIRD_PARTY_NOTICES.md"; DestDir: "{app}"; Flags: ignoreversion

[InstallDelete]
; An upgrade replaces the whole bundle: no module of the previous version may linger.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#MainExe}"; Comment: "Juvenile Justice Center case tracker"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#MainExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#MainExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; The machine-wide default this installer wrote. Users' own data (%LOCALAPPDATA%\Girls Court)
; is never touched.
Type: files; Name: "{commonappdata}\{#AppName}\girlscourt.toml"
Type: dirifempty; Name: "{commonappdata}\{#AppName}"

[Code]
var
  DatabasePage: TInputQueryWizardPage;

function SiteConfigFile: String;
begin
  Result := ExpandConstant('{commonappdata}\{#AppName}\girlscourt.toml');
end;

{ The database_url currently in the machine-wide file ('' when there is none). }
function ExistingDatabaseUrl: String;
var
  Lines: TArrayOfString;
  I, First, Last: Integer;
  Line: String;
begin
  Result := '';
  if not LoadStringsFromFile(SiteConfigFile, Lines) then
    exit;
  for I := 0 to GetArrayLength(Lines) - 1 do
  begin
    Line := Trim(Lines[I]);
    if Copy(Line, 1, 12) = 'database_url' then
    begin
      First := Pos('''', Line);
      Last := Length(Line);
      if (First > 0) and (Last > First) and (Copy(Line, Last, 1) = '''') then
        Result := Copy(Line, First + 1, Last - First - 1);
    end;
  end;
end;

{ '' when Url is acceptable (or empty), else what is wrong with it. }
function UrlProblem(Url: String): String;
var
  Rest: String;
begin
  Result := '';
  if Url = '' then
    exit;
  if (Pos('''', Url) > 0) or (Pos('"', Url) > 0) or (Pos(#10, Url) > 0) or (Pos(#13, Url) > 0) then
    Result := 'must not contain quotes or line breaks'
  else if (Pos('postgresql://', Url) <> 1) and (Pos('postgresql+psycopg://', Url) <> 1) and
          (Pos('sqlite:///', Url) <> 1) then
    Result := 'must start with postgresql:// or sqlite:///'
  else
  begin
    { user:password@host is refused: passwords never go into a file every user can read }
    Rest := Copy(Url, Pos('://', Url) + 3, Length(Url));
    if (Pos('@', Rest) > 0) and (Pos(':', Copy(Rest, 1, Pos('@', Rest) - 1)) > 0) then
      Result := 'must not contain a password (each user is asked for it)';
  end;
end;

function InitializeSetup: Boolean;
var
  Problem: String;
begin
  Result := True;
  Problem := UrlProblem(ExpandConstant('{param:DATABASE|}'));
  if Problem <> '' then
  begin
    Log('/DATABASE= ' + Problem);
    SuppressibleMsgBox('/DATABASE= ' + Problem + '.', mbCriticalError, MB_OK, IDOK);
    Result := False;  { Setup exits with code 1 }
  end;
end;

procedure InitializeWizard;
begin
  DatabasePage := CreateInputQueryPage(wpSelectDir,
    'Shared database',
    'Where should Girls Court keep its records on this computer?',
    'Leave this empty to give each Windows user a local database on this computer. ' +
    'To use the county''s shared PostgreSQL server, enter its address, for example ' +
    'postgresql://girlscourt@db.county.example/girlscourt. Do not include a password: ' +
    'each user is asked for it.');
  DatabasePage.Add('Database URL:', False);
  DatabasePage.Values[0] := ExpandConstant('{param:DATABASE|}');
  if DatabasePage.Values[0] = '' then
    DatabasePage.Values[0] := ExistingDatabaseUrl;
end;

function NextButtonClick(CurPageID: Integer): Boolean;
var
  Problem: String;
begin
  Result := True;
  if CurPageID = DatabasePage.ID then
  begin
    Problem := UrlProblem(Trim(DatabasePage.Values[0]));
    if Problem <> '' then
    begin
      MsgBox('The database URL ' + Problem + '.', mbError, MB_OK);
      Result := False;
    end;
  end;
end;

procedure CurStepChanged(CurStep: TSetupStep);
var
  Url: String;
  Lines: TArrayOfString;
begin
  if CurStep <> ssPostInstall then
    exit;
  Url := Trim(DatabasePage.Values[0]);
  if Url = ExistingDatabaseUrl then
    exit;  { unchanged: leave the file (and anything IT added to it) alone }
  if Url = '' then
  begin
    DeleteFile(SiteConfigFile);
    Log('Removed the machine-wide database default');
    exit;
  end;
  SetArrayLength(Lines, 4);
  Lines[0] := '# Written by the Girls Court installer: the default database for every user of';
  Lines[1] := '# this computer. A user''s own girlscourt.toml, GIRLSCOURT_DATABASE_URL or';
  Lines[2] := '# --database take precedence. Do not add passwords here.';
  Lines[3] := 'database_url = ''' + Url + '''';
  ForceDirectories(ExtractFileDir(SiteConfigFile));
  if SaveStringsToUTF8FileWithoutBOM(SiteConfigFile, Lines, False) then
    Log('Wrote the machine-wide database default to ' + SiteConfigFile)
  else
    SuppressibleMsgBox('Could not write ' + SiteConfigFile + '.', mbError, MB_OK, IDOK);
end;
